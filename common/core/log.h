// log.h — structured JSON logs, one object per line on stdout.
//
//   log::info("connection verified", {{"connection_id", id}, {"status", "active"}});
//   → {"ts":"2026-11-23T14:07:27.123Z","level":"info","service":"auth-service",
//      "request_id":"r-…","msg":"connection verified","connection_id":"…","status":"active"}
//
// Never a secret: values of fields whose name looks secret (password, pw,
// token, secret, api_key, authorization, cookie, key material) are replaced by
// "[redacted]" whatever the caller passes. Messages themselves must not contain
// secrets; callers pass identifiers, never credentials.
//
// The request id is thread-local: set it with a RequestScope at the start of a
// request and every log line on that thread carries it.
//
// Thread-safety: all functions are thread-safe; each line is written with one
// fwrite under a mutex, so lines never interleave.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/result.h"

namespace jb::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

struct Field {
  std::string key;
  std::string value;
  bool is_number = false;
  Field(std::string k, std::string v) : key(std::move(k)), value(std::move(v)) {}
  Field(std::string k, const char* v) : key(std::move(k)), value(v ? v : "") {}
  Field(std::string k, std::string_view v) : key(std::move(k)), value(v) {}
  Field(std::string k, int64_t v) : key(std::move(k)), value(std::to_string(v)), is_number(true) {}
  Field(std::string k, int v) : key(std::move(k)), value(std::to_string(v)), is_number(true) {}
  Field(std::string k, uint64_t v) : key(std::move(k)), value(std::to_string(v)), is_number(true) {}
  Field(std::string k, double v) : key(std::move(k)), value(std::to_string(v)), is_number(true) {}
  Field(std::string k, bool v) : key(std::move(k)), value(v ? "true" : "false"), is_number(true) {}
};
using Fields = std::vector<Field>;

void set_service(std::string name);
void set_level(Level level);
bool parse_level(std::string_view s, Level& out);
// Replaces stdout as the destination (tests capture lines). nullptr restores stdout.
void set_sink(std::function<void(const std::string& line)> sink);

// True when a field of this name must never carry its value.
bool is_secret_key(std::string_view key);
// Builds the JSON line (no trailing newline). Exposed for tests.
std::string format_line(Level level, std::string_view msg, const Fields& fields);

void write(Level level, std::string_view msg, const Fields& fields = {});
inline void debug(std::string_view m, const Fields& f = {}) {
  write(Level::debug, m, f);
}
inline void info(std::string_view m, const Fields& f = {}) {
  write(Level::info, m, f);
}
inline void warn(std::string_view m, const Fields& f = {}) {
  write(Level::warn, m, f);
}
inline void error(std::string_view m, const Fields& f = {}) {
  write(Level::error, m, f);
}
// Lifecycle lines ("ready", "shutting down", "stopped"): level info, but
// written whatever the configured level, because tools wait for them.
void lifecycle(std::string_view m, const Fields& f = {});

// For a step whose failure the caller cannot act on (a cleanup, a best-effort
// bookkeeping write): a failed Status or Result is logged as a warning
// "<what> failed" with its code and message, never silently dropped.
void best_effort_failed(const Error& e, std::string_view what, const Fields& f);
inline void best_effort(const Status& s, std::string_view what, const Fields& f = {}) {
  if (!s.ok()) best_effort_failed(s.error(), what, f);
}
template <typename T>
void best_effort(const Result<T>& r, std::string_view what, const Fields& f = {}) {
  if (!r.ok()) best_effort_failed(r.error(), what, f);
}

// Sets this thread's request id for its lifetime; restores the previous one.
class RequestScope {
 public:
  explicit RequestScope(std::string request_id);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string previous_;
};
const std::string& current_request_id();
// A new random request id ("r-" + 16 hex chars).
std::string new_request_id();

}  // namespace jb::log
