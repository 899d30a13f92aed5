// result.h — errors as values across module boundaries.
//
// `Error` carries a stable machine-readable `code` (e.g. "timeout", "redis_io",
// "jellyfin_unauthorized"), a human sentence, and optionally the HTTP status a
// handler should answer with. `Result<T>` holds either a T or an Error; it is
// the return type of every fallible function that crosses a module boundary.
// No exceptions cross module boundaries.
//
// Thread-safety: plain values; safe to copy/move between threads.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* internal = "internal";  // 500: a bug; X-Request-Id finds it in the logs
constexpr const char* invalid_request =
    "invalid_request";  // 400: fields missing, of the wrong type or out of range
constexpr const char* not_found = "not_found";      // 404: no such resource
constexpr const char* interrupted = "interrupted";  // 503: the process is shutting down
constexpr const char* unavailable = "unavailable";  // 503: a dependency cannot answer right now
constexpr const char* overloaded = "overloaded";    // 503: a queue is full; retry shortly
}  // namespace jb::errc

namespace jb {

struct Error {
  std::string code;        // stable identifier, snake_case
  std::string message;     // one sentence a person understands; never contains secrets
  int http_status = 0;     // suggested HTTP status for API answers (0 = not decided)
  int retry_after_s = -1;  // from Retry-After when the peer sent one

  Error() = default;
  Error(std::string c, std::string m, int status = 0)
      : code(std::move(c)), message(std::move(m)), http_status(status) {}
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

  T value_or(T fallback) const { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

// Result<void> equivalent.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : err_(std::move(e)), ok_(false) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return err_;
  }

 private:
  Error err_;
  bool ok_ = true;
};

}  // namespace jb
