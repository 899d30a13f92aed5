// index_scheduler.cpp — see index_scheduler.h.
#include "library-service/index_scheduler.h"

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/time.h"
#include "common/redis/script.h"

namespace jb::library {

namespace {
const char* kDue = "jb:idx:due";
const RedisScript kClaim(R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), id) end
return ids
)lua");

bool transient(const std::string& code) {
  return code.rfind("jellyfin_", 0) == 0 || code == "rpc_timeout" || code == "redis_unavailable" ||
         code == "not_jellyfin" || code == "overloaded";
}
}  // namespace

IndexScheduler::IndexScheduler(RedisPool& redis, IndexStore& store, IndexBuilder& builder,
                               Libraries& libraries, ConnectionAccess& access,
                               SchedulerOptions opts, Publish publish)
    : redis_(redis),
      store_(store),
      builder_(builder),
      libraries_(libraries),
      access_(access),
      opts_(opts),
      publish_(std::move(publish)) {}

IndexScheduler::~IndexScheduler() {
  stop();
}

Status IndexScheduler::request(const std::string& conn, bool full) {
  auto m = store_.meta(conn);
  if (!m.ok()) return m.error();
  std::map<std::string, std::string> f{{"requested", full ? "full" : "incremental"}};
  if (m->state == "ready") f["state"] = "stale";
  if (m->state == "none") f["state"] = "stale";
  if (auto s = store_.put_meta(conn, f); !s.ok()) return s;
  auto r = redis_.command({"ZADD", kDue, std::to_string(timeutil::now_unix_ms()), conn});
  if (!r.ok()) return r.error();
  cv_.notify_all();
  return Status::Ok();
}

Result<LibraryList> IndexScheduler::load_libraries(const std::string& conn, Access& a) {
  auto found = a.creds.method == "api_key" && a.creds.user_id.empty()
                   ? a.client.media_folders()
                   : a.client.user_views(a.creds.user_id);
  if (!found.ok()) return found.error();
  return libraries_.store(conn, *found);
}

Result<BuildStats> IndexScheduler::run(const std::string& conn, bool force_full) {
  std::string token = rnd::hex(8);
  auto locked = store_.lock(conn, token, opts_.lock_ttl_ms);
  if (!locked.ok()) return locked.error();
  if (!*locked)
    return Error("index_busy", "An index build of this connection is already running.", 409);
  auto release = [&] { (void)store_.unlock(conn, token); };
  auto meta = store_.meta(conn);
  if (!meta.ok()) {
    release();
    return meta.error();
  }
  bool full = force_full || meta->version == 0 || meta->last_full_ms == 0 ||
              timeutil::now_unix_ms() - meta->last_full_ms > opts_.full_interval_ms;
  auto req = redis_.command({"HGET", "jb:idx:" + conn + ":meta", "requested"});
  if (req.ok() && req->str == "full") full = true;
  (void)store_.put_meta(conn, {{"state", "building"}});
  int64_t started = timeutil::now_unix_ms();

  Result<BuildStats> result = Error("internal", "not run");
  auto access = access_.open(conn);
  if (!access.ok()) {
    result = access.error();
  } else {
    auto known = libraries_.cached(conn);
    Result<LibraryList> libs = Error("internal", "no libraries");
    if (!known.ok())
      libs = known.error();
    else if (known->has_value())
      libs = **known;
    else
      libs = load_libraries(conn, **access);
    if (!libs.ok()) {
      result = libs.error();
    } else {
      auto wl = libraries_.whitelist(conn);
      if (!wl.ok()) {
        result = wl.error();
      } else {
        auto effective = Libraries::effective(*wl, *libs);
        JellyfinItemSource src((*access)->client, (*access)->creds.user_id);
        auto renew = [&]() -> Status {
          if (stopping_.load())
            return Error("interrupted", "library-service is shutting down.", 503);
          return store_.renew(conn, token, opts_.lock_ttl_ms);
        };
        result = full ? builder_.full(conn, src, effective, renew)
                      : builder_.incremental(conn, src, effective, renew);
      }
    }
  }
  if (result.ok()) {
    (void)redis_.command({"HDEL", "jb:idx:" + conn + ":meta", "requested"});
    (void)redis_.command(
        {"ZADD", kDue, std::to_string(timeutil::now_unix_ms() + opts_.refresh_interval_ms), conn});
    log::info("index built", {{"connection_id", conn},
                              {"kind", result->kind},
                              {"items", result->items},
                              {"unmatched", result->unmatched},
                              {"requests", static_cast<int64_t>(result->requests)},
                              {"ms", result->duration_ms}});
    if (publish_) {
      json::Writer w;
      w.begin_object()
          .kv("connection_id", conn)
          .kv("kind", result->kind)
          .kv("items", result->items)
          .kv("version", result->version)
          .end_object();
      publish_("index.built", w.str());
    }
  } else {
    const Error& e = result.error();
    (void)store_.put_meta(
        conn, {{"state", "failed"},
               {"last_error", e.message},
               {"last_error_code", e.code},
               {"last_build_ms", std::to_string(timeutil::now_unix_ms())},
               {"last_duration_ms", std::to_string(timeutil::now_unix_ms() - started)}});
    int64_t retry = transient(e.code) ? std::min<int64_t>(opts_.refresh_interval_ms, 60000)
                                      : opts_.refresh_interval_ms;
    if (e.retry_after_s > 0) retry = std::max<int64_t>(retry, e.retry_after_s * 1000LL);
    if (e.code == "not_found")
      (void)redis_.command({"ZREM", kDue, conn});  // the connection is gone
    else
      (void)redis_.command({"ZADD", kDue, std::to_string(timeutil::now_unix_ms() + retry), conn});
    log::warn("index build failed",
              {{"connection_id", conn}, {"code", e.code}, {"error", e.message}});
  }
  release();
  return result;
}

void IndexScheduler::start() {
  pool_ = std::make_unique<ThreadPool>(static_cast<size_t>(opts_.max_concurrent), 64, "index");
  thread_ = std::thread([this] { loop(); });
}

void IndexScheduler::stop() {
  stopping_ = true;  // running builds stop at their next page and keep the current index
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  pool_->stop();
}

void IndexScheduler::loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> l(mu_);
      if (cv_.wait_for(l, std::chrono::milliseconds(opts_.tick_ms), [&] { return stop_; })) return;
    }
    (void)store_.collect_garbage(timeutil::now_unix_ms());
    int free_slots = opts_.max_concurrent - running_.load();
    if (free_slots <= 0) continue;
    auto lease = redis_.acquire();
    auto ids = kClaim.run(*lease, {kDue},
                          {std::to_string(timeutil::now_unix_ms()),
                           std::to_string(opts_.lock_ttl_ms), std::to_string(free_slots)});
    if (!ids.ok()) continue;
    for (const auto& e : ids->elements) {
      std::string conn = e.str;
      running_++;
      if (!pool_->submit([this, conn] {
            auto r = run(conn, false);
            if (!r.ok() && r.error().code == "index_busy")
              (void)redis_.command(
                  {"ZADD", kDue, std::to_string(timeutil::now_unix_ms() + 5000), conn});
            running_--;
          }))
        running_--;
    }
  }
}

}  // namespace jb::library
