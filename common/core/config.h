// config.h — reading configuration from `JB_*` environment variables.
//
// A ConfigReader reads typed values from an Env (the process environment or a
// map in tests) and collects every bad value. A service calls
// `exit_on_error()` after reading: if anything was wrong it prints one line per
// problem, naming the variable, e.g.
//   config error: JB_HTTP_PORT='80a' is not a port number (0-65535)
// and exits with status 2. Values of secret variables are never printed; others
// are shown on that one line (control characters escaped as \n, \t, \xNN) and
// cut after 80 bytes, between UTF-8 characters.
// Bad values are reported before required settings that are missing, so the
// first line is the mistake the user just made, not the settings they have
// not reached yet.
// Every variable is listed in README.md ("Configuration"); a test checks that.
//
// Thread-safety: read configuration once at start-up on the main thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jb {

class Env {
 public:
  static Env from_process();
  static Env from_map(std::map<std::string, std::string> vars) {
    Env e;
    e.vars_ = std::move(vars);
    e.process_ = false;
    return e;
  }
  std::optional<std::string> get(const std::string& name) const;

 private:
  Env() = default;
  std::map<std::string, std::string> vars_;
  bool process_ = true;
};

struct ConfigProblem {
  std::string variable;
  std::string message;   // full one-line message, already naming the variable
  bool missing = false;  // a required setting that is not set (reported after bad values)
};

class ConfigReader {
 public:
  explicit ConfigReader(const Env& env) : env_(env) {}

  std::string str(const std::string& name, const std::string& fallback);
  // Like str() but the value is never echoed in error messages.
  std::string secret(const std::string& name, const std::string& fallback = "");
  // 0..65535; 0 means "pick a free port".
  uint16_t port(const std::string& name, uint16_t fallback);
  int64_t integer(const std::string& name, int64_t fallback, int64_t min, int64_t max);
  bool boolean(const std::string& name, bool fallback);
  // An http(s) URL with a host (validated with libcurl's URL parser). Empty allowed
  // when allow_empty.
  std::string http_url(const std::string& name, const std::string& fallback, bool allow_empty);
  // redis://[:password@]host[:port][/db]
  std::string redis_url(const std::string& name, const std::string& fallback);
  // A ZeroMQ endpoint: tcp://host:port (port may be * for bind), ipc://path, inproc://name.
  std::string zmq_endpoint(const std::string& name, const std::string& fallback);
  // One of the allowed values (case-sensitive).
  std::string one_of(const std::string& name, const std::string& fallback,
                     const std::vector<std::string>& allowed);
  // Comma-separated list, entries trimmed, empties dropped.
  std::vector<std::string> list(const std::string& name, const std::vector<std::string>& fallback);

  void add_problem(const std::string& name, const std::string& message);
  // A required setting is not set: "config error: NAME is required (why)".
  void missing(const std::string& name, const std::string& why);
  // Whether the variable is set to something other than blanks.
  bool is_set(const std::string& name);
  const std::vector<ConfigProblem>& problems() const { return problems_; }
  bool ok() const { return problems_.empty(); }
  // The lines exit_on_error() prints: bad values first, then missing settings.
  std::vector<std::string> report() const;
  // Prints each problem on stderr and exits 2 when there is any.
  void exit_on_error() const;

 private:
  std::optional<std::string> raw(const std::string& name);
  void bad(const std::string& name, const std::string& value, const std::string& why,
           bool secret = false);
  const Env& env_;
  std::vector<ConfigProblem> problems_;
};

}  // namespace jb
