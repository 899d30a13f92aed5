// client.cpp — see client.h.
#include "common/redis/client.h"

#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>

#include "common/core/text.h"
#include "common/core/time.h"

namespace jb {

namespace {

const std::string kEmpty;

RedisReply convert(const redisReply* r) {
  RedisReply out;
  if (r == nullptr) return out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::nil;
  }
  return out;
}

timeval to_tv(int ms) {
  timeval tv;
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

void append_argv(redisContext* c, const RedisArgv& argv) {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data());
}

}  // namespace

const std::string& RedisReply::as_string() const {
  return (type == Type::string || type == Type::status) ? str : kEmpty;
}

std::map<std::string, std::string> RedisReply::as_map() const {
  std::map<std::string, std::string> m;
  for (size_t i = 0; i + 1 < elements.size(); i += 2) m[elements[i].str] = elements[i + 1].str;
  return m;
}

RedisArgv hset_argv(const std::string& key, const std::map<std::string, std::string>& fields) {
  RedisArgv argv{"HSET", key};
  argv.reserve(2 + 2 * fields.size());
  for (const auto& [k, v] : fields) {
    argv.push_back(k);
    argv.push_back(v);
  }
  return argv;
}

Result<RedisOptions> parse_redis_url(const std::string& url) {
  RedisOptions o;
  if (!text::istarts_with(url, "redis://"))
    return Error(errc::invalid_redis_url, "The Redis URL must start with redis://.");
  CURLU* u = curl_url();
  bool ok = curl_url_set(u, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK;
  auto part = [&](CURLUPart p, unsigned flags = CURLU_URLDECODE) -> std::string {
    char* v = nullptr;
    std::string s;
    if (curl_url_get(u, p, &v, flags) == CURLUE_OK && v) s = v;
    curl_free(v);
    return s;
  };
  if (ok) {
    o.host = part(CURLUPART_HOST, 0);
    if (o.host.size() > 2 && o.host.front() == '[') o.host = o.host.substr(1, o.host.size() - 2);
    std::string port = part(CURLUPART_PORT, 0);
    // Decoded here, not by libcurl, whose decoding refuses control characters (%0A, %00)
    // and so dropped such a password silently. AUTH is binary-safe.
    o.password = text::url_decode(part(CURLUPART_PASSWORD, 0));
    std::string path = part(CURLUPART_PATH, 0);
    if (!port.empty()) {
      uint64_t p;
      if (!text::parse_uint64(port, p) || p == 0 || p > 65535)
        ok = false;
      else
        o.port = static_cast<int>(p);
    }
    if (!path.empty() && path != "/") {
      uint64_t db;
      if (!text::parse_uint64(path.substr(1), db) || db > 15)
        ok = false;
      else
        o.db = static_cast<int>(db);
    }
    // libcurl decodes a host once: a '%' left ("h%25", "%1%31") names no host.
    if (o.host.empty() || o.host.find('%') != std::string::npos) ok = false;
  }
  curl_url_cleanup(u);
  if (!ok)
    return Error(errc::invalid_redis_url,
                 "The Redis URL is not of the form redis://[:password@]host[:port][/db].");
  return o;
}

RedisConnection::RedisConnection(RedisOptions opts) : opts_(std::move(opts)) {}

RedisConnection::~RedisConnection() {
  drop();
}

void RedisConnection::drop() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
}

Status RedisConnection::ensure_connected() {
  if (ctx_) return Status::Ok();
  int64_t now = timeutil::monotonic_ms();
  if (now < next_attempt_ms_) {
    return Error(errc::redis_unavailable,
                 "Redis is unavailable (" + last_error_ + "); retrying in " +
                     std::to_string(next_attempt_ms_ - now) + " ms.",
                 503);
  }
  timeval ctv = to_tv(opts_.connect_timeout_ms);
  redisContext* c = opts_.unix_socket.empty()
                        ? redisConnectWithTimeout(opts_.host.c_str(), opts_.port, ctv)
                        : redisConnectUnixWithTimeout(opts_.unix_socket.c_str(), ctv);
  auto fail = [&](const std::string& why) -> Status {
    if (c) redisFree(c);
    last_error_ = why;
    backoff_ms_ =
        backoff_ms_ == 0 ? opts_.min_backoff_ms : std::min(backoff_ms_ * 2, opts_.max_backoff_ms);
    next_attempt_ms_ = timeutil::monotonic_ms() + backoff_ms_;
    return Error(errc::redis_unavailable, "Redis is unavailable: " + why + ".", 503);
  };
  if (c == nullptr) return fail("out of memory");
  if (c->err) return fail(std::string(c->errstr));
  // hiredis does not keep this value: set it on every new context.
  if (redisSetTimeout(c, to_tv(opts_.command_timeout_ms)) != REDIS_OK)
    return fail("cannot set timeout");
  redisEnableKeepAlive(c);
  auto simple = [&](const RedisArgv& argv) -> std::string {
    append_argv(c, argv);
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK) return c->errstr[0] ? c->errstr : "I/O error";
    RedisReply r = convert(static_cast<redisReply*>(raw));
    freeReplyObject(raw);
    return r.is_error() ? r.str : "";
  };
  if (!opts_.password.empty()) {
    std::string e = simple({"AUTH", opts_.password});
    if (!e.empty()) return fail("authentication failed (" + e.substr(0, e.find(' ')) + ")");
  }
  if (opts_.db != 0) {
    std::string e = simple({"SELECT", std::to_string(opts_.db)});
    if (!e.empty()) return fail("SELECT failed: " + e);
  }
  ctx_ = c;
  backoff_ms_ = 0;
  next_attempt_ms_ = 0;
  ++connects_;
  return Status::Ok();
}

Result<RedisReply> RedisConnection::run(const RedisArgv& argv, int timeout_ms) {
  if (timeout_ms != opts_.command_timeout_ms) redisSetTimeout(ctx_, to_tv(timeout_ms));
  append_argv(ctx_, argv);
  void* raw = nullptr;
  int rc = redisGetReply(ctx_, &raw);
  if (rc != REDIS_OK) {
    std::string why = ctx_->errstr[0] ? ctx_->errstr : "I/O error";
    bool timeout =
        ctx_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK ||
                                      why.find("temporarily unavailable") != std::string::npos);
    drop();  // a hiredis context is unusable after an error
    if (timeout)
      return Error(errc::redis_timeout,
                   "Redis did not answer within " + std::to_string(timeout_ms) + " ms.", 503);
    return Error(errc::redis_unavailable, "Redis connection lost: " + why + ".", 503);
  }
  if (timeout_ms != opts_.command_timeout_ms)
    redisSetTimeout(ctx_, to_tv(opts_.command_timeout_ms));
  RedisReply r = convert(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  if (r.is_error()) return Error(errc::redis_error, "Redis error: " + r.str, 500);
  return r;
}

Result<RedisReply> RedisConnection::command(const RedisArgv& argv) {
  return command_with_timeout(argv, opts_.command_timeout_ms);
}

Result<RedisReply> RedisConnection::command_with_timeout(const RedisArgv& argv, int timeout_ms) {
  if (argv.empty()) return Error(errc::redis_error, "empty command", 500);
  bool was_connected = ctx_ != nullptr;
  if (auto s = ensure_connected(); !s.ok()) return s.error();
  auto r = run(argv, timeout_ms);
  // A connection that worked before and failed now was most likely closed by a
  // Redis restart: retry once on a fresh one. Timeouts are not retried.
  if (!r.ok() && r.error().code == errc::redis_unavailable && was_connected) {
    if (auto s = ensure_connected(); !s.ok()) return s.error();
    r = run(argv, timeout_ms);
  }
  return r;
}

Result<std::vector<RedisReply>> RedisConnection::run_pipeline(const std::vector<RedisArgv>& cmds) {
  for (const auto& c : cmds) append_argv(ctx_, c);
  std::vector<RedisReply> out;
  out.reserve(cmds.size());
  for (size_t i = 0; i < cmds.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK) {
      std::string why = ctx_->errstr[0] ? ctx_->errstr : "I/O error";
      drop();
      return Error(errc::redis_unavailable, "Redis connection lost during a pipeline: " + why + ".",
                   503);
    }
    out.push_back(convert(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return out;
}

Result<std::vector<RedisReply>> RedisConnection::pipeline(const std::vector<RedisArgv>& cmds) {
  if (cmds.empty()) return std::vector<RedisReply>{};
  bool was_connected = ctx_ != nullptr;
  if (auto s = ensure_connected(); !s.ok()) return s.error();
  auto r = run_pipeline(cmds);
  if (!r.ok() && was_connected) {
    if (auto s = ensure_connected(); !s.ok()) return s.error();
    r = run_pipeline(cmds);
  }
  return r;
}

RedisPool::RedisPool(RedisOptions opts, size_t size) : opts_(std::move(opts)) {
  for (size_t i = 0; i < std::max<size_t>(size, 1); ++i)
    free_.push_back(std::make_unique<RedisConnection>(opts_));
}

RedisPool::Lease::~Lease() {
  if (c_ && pool_) pool_->release(std::move(c_));
}

RedisPool::Lease RedisPool::acquire() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return !free_.empty(); });
  auto c = std::move(free_.back());
  free_.pop_back();
  return Lease(this, std::move(c));
}

void RedisPool::release(std::unique_ptr<RedisConnection> c) {
  {
    std::lock_guard<std::mutex> l(mu_);
    free_.push_back(std::move(c));
  }
  cv_.notify_one();
}

Result<RedisReply> RedisPool::command(const RedisArgv& argv) {
  auto lease = acquire();
  return lease->command(argv);
}

Result<std::vector<RedisReply>> RedisPool::pipeline(const std::vector<RedisArgv>& cmds) {
  auto lease = acquire();
  return lease->pipeline(cmds);
}

}  // namespace jb
