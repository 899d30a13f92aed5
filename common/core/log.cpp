// log.cpp — see log.h.
#include "common/core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "common/core/json.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::log {

namespace {
std::mutex g_mu;
std::string g_service = "jellybridge";
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::function<void(const std::string&)> g_sink;
thread_local std::string t_request_id;

const char* level_name(Level l) {
  switch (l) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

std::string ts_now() {
  int64_t us = timeutil::now_unix_us();
  std::string s = timeutil::format_rfc3339(us);  // ...Z
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03lld", static_cast<long long>((us / 1000) % 1000));
  s.insert(s.size() - 1, ms);
  return s;
}
}  // namespace

void set_service(std::string name) {
  std::lock_guard<std::mutex> l(g_mu);
  g_service = std::move(name);
}

void set_level(Level level) {
  g_level.store(static_cast<int>(level));
}

bool parse_level(std::string_view s, Level& out) {
  if (s == "debug")
    out = Level::debug;
  else if (s == "info")
    out = Level::info;
  else if (s == "warn" || s == "warning")
    out = Level::warn;
  else if (s == "error")
    out = Level::error;
  else
    return false;
  return true;
}

void set_sink(std::function<void(const std::string&)> sink) {
  std::lock_guard<std::mutex> l(g_mu);
  g_sink = std::move(sink);
}

bool is_secret_key(std::string_view key) {
  std::string k = text::to_lower(key);
  for (const char* s : {"password", "passwd", "token", "secret", "api_key", "apikey",
                        "authorization", "cookie", "master_key", "private_key", "credential"}) {
    if (k.find(s) != std::string::npos) return true;
  }
  return k == "pw" || k == "key" || k == "otp" || k == "pin";
}

std::string format_line(Level level, std::string_view msg, const Fields& fields) {
  std::string service;
  {
    std::lock_guard<std::mutex> l(g_mu);
    service = g_service;
  }
  json::Writer w;
  w.begin_object().kv("ts", ts_now()).kv("level", level_name(level)).kv("service", service);
  if (!t_request_id.empty()) w.kv("request_id", t_request_id);
  w.kv("msg", msg);
  for (const auto& f : fields) {
    if (f.key == "ts" || f.key == "level" || f.key == "service" || f.key == "msg") continue;
    w.key(f.key);
    if (is_secret_key(f.key)) {
      w.value("[redacted]");
    } else if (f.is_number) {
      w.raw(f.value);
    } else {
      w.value(f.value);
    }
  }
  w.end_object();
  return w.str();
}

namespace {
void emit(Level level, std::string_view msg, const Fields& fields) {
  std::string line = format_line(level, msg, fields);
  std::lock_guard<std::mutex> l(g_mu);
  if (g_sink) {
    g_sink(line);
    return;
  }
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}
}  // namespace

void write(Level level, std::string_view msg, const Fields& fields) {
  if (static_cast<int>(level) < g_level.load()) return;
  emit(level, msg, fields);
}

void lifecycle(std::string_view msg, const Fields& fields) {
  emit(Level::info, msg, fields);
}

RequestScope::RequestScope(std::string request_id) : previous_(std::move(t_request_id)) {
  t_request_id = std::move(request_id);
}
RequestScope::~RequestScope() {
  t_request_id = std::move(previous_);
}

const std::string& current_request_id() {
  return t_request_id;
}

std::string new_request_id() {
  return "r-" + rnd::hex(8);
}

void best_effort_failed(const Error& e, std::string_view what, const Fields& f) {
  Fields all = f;
  all.emplace_back("code", e.code);
  all.emplace_back("error", e.message);
  warn(std::string(what) + " failed", all);
}

}  // namespace jb::log
