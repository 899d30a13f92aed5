// client.h — the Redis client on hiredis: binary-safe argv commands,
// pipelining, command timeouts and automatic reconnect with backoff.
//
// RedisConnection owns one hiredis context. Every command uses
// redisCommandArgv with explicit lengths (binary-safe). The connect timeout and
// the command timeout (redisSetTimeout) are applied on every (re)connect —
// hiredis does not remember the latter. After an I/O error the context is
// dropped; the next call reconnects, but not before the backoff delay has
// passed (100 ms doubling to max_backoff_ms), so a dead Redis costs callers a
// fast "redis_unavailable" error rather than a connect timeout on every call.
// A command that fails with an I/O error on a connection that had been working
// is retried once on a fresh connection (the previous connection was most
// likely closed by a Redis restart). Callers that must not apply a command
// twice use idempotent designs (ids, Lua scripts), as the rest of the suite does.
//
// RedisPool is a fixed set of connections shared by threads.
//
// Error codes: "redis_unavailable" (cannot connect / I/O), "redis_error"
// (the server answered with an error reply; message carries it),
// "redis_timeout", "redis_protocol".
//
// Thread-safety: RedisConnection is NOT thread-safe (one per thread or lease).
// RedisPool is thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* redis_error = "redis_error";              // Redis answered an error
constexpr const char* redis_unavailable = "redis_unavailable";  // cannot connect
constexpr const char* redis_timeout = "redis_timeout";          // no answer in time
constexpr const char* redis_protocol = "redis_protocol";        // unexpected reply
constexpr const char* redis_busy = "redis_busy";                // a script is running (BUSY)
constexpr const char* invalid_redis_url = "invalid_redis_url";  // bad URL
}  // namespace jb::errc

struct redisContext;

namespace jb {

struct RedisReply {
  enum class Type { nil, status, error, integer, string, array };
  Type type = Type::nil;
  int64_t integer = 0;
  std::string str;  // status, error or string payload (binary-safe)
  std::vector<RedisReply> elements;

  bool is_nil() const { return type == Type::nil; }
  bool is_string() const { return type == Type::string; }
  bool is_array() const { return type == Type::array; }
  bool is_integer() const { return type == Type::integer; }
  bool is_error() const { return type == Type::error; }
  // The payload of a string or status reply, else "".
  const std::string& as_string() const;
  // An array of field/value pairs (HGETALL, a stream entry's fields) as a
  // map; a trailing odd element is ignored; any other reply gives {}.
  std::map<std::string, std::string> as_map() const;
};

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_socket;  // used instead of host:port when set
  std::string password;
  int db = 0;
  int connect_timeout_ms = 1000;
  int command_timeout_ms = 2000;
  int min_backoff_ms = 100;
  int max_backoff_ms = 2000;
};

// Parses redis://[:password@]host[:port][/db] (the password may be
// percent-encoded). Errors never echo the password.
Result<RedisOptions> parse_redis_url(const std::string& url);

using RedisArgv = std::vector<std::string>;

class RedisConnection {
 public:
  explicit RedisConnection(RedisOptions opts);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // One command. An error *reply* from Redis is returned as Error "redis_error".
  Result<RedisReply> command(const RedisArgv& argv);
  // Same, with a longer socket timeout for blocking commands (XREADGROUP BLOCK).
  Result<RedisReply> command_with_timeout(const RedisArgv& argv, int timeout_ms);
  // Sends all commands in one write, reads all replies. Error replies are
  // returned in place (type error), so one failing command does not hide the rest.
  Result<std::vector<RedisReply>> pipeline(const std::vector<RedisArgv>& cmds);

  bool connected() const { return ctx_ != nullptr; }
  // Number of successful (re)connects so far.
  uint64_t connects() const { return connects_; }

 private:
  Status ensure_connected();
  void drop();
  Result<RedisReply> run(const RedisArgv& argv, int timeout_ms);
  Result<std::vector<RedisReply>> run_pipeline(const std::vector<RedisArgv>& cmds);

  RedisOptions opts_;
  redisContext* ctx_ = nullptr;
  int64_t next_attempt_ms_ = 0;
  int backoff_ms_ = 0;
  uint64_t connects_ = 0;
  std::string last_error_;
};

class RedisPool {
 public:
  RedisPool(RedisOptions opts, size_t size);
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  class Lease {
   public:
    Lease(RedisPool* pool, std::unique_ptr<RedisConnection> c) : pool_(pool), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept = default;
    ~Lease();
    RedisConnection& operator*() { return *c_; }
    RedisConnection* operator->() { return c_.get(); }

   private:
    RedisPool* pool_;
    std::unique_ptr<RedisConnection> c_;
  };

  // Blocks until a connection is free.
  Lease acquire();
  Result<RedisReply> command(const RedisArgv& argv);
  Result<std::vector<RedisReply>> pipeline(const std::vector<RedisArgv>& cmds);
  const RedisOptions& options() const { return opts_; }

 private:
  void release(std::unique_ptr<RedisConnection> c);
  RedisOptions opts_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<RedisConnection>> free_;
};

// HSET key f1 v1 f2 v2 … for every field of a map.
RedisArgv hset_argv(const std::string& key, const std::map<std::string, std::string>& fields);

// Convenience accessors for common reply shapes.
inline bool reply_ok(const Result<RedisReply>& r) {
  return r.ok() && !r->is_error();
}

}  // namespace jb
