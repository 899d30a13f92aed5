// index_scheduler.cpp — see index_scheduler.h.
#include "library-service/index_scheduler.h"

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/memory_trim.h"
#include "common/core/random.h"
#include "common/core/result.h"
#include "common/core/time.h"
#include "common/jellyfin/errors.h"
#include "common/redis/due_set.h"
#include "common/service/retry.h"

namespace jb::library {

namespace {
const char* kDue = "jb:idx:due";

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
      publish_(std::move(publish)),
      task_(
          std::chrono::milliseconds(opts.tick_ms), [this] { tick(); }, false) {}

IndexScheduler::~IndexScheduler() {
  stop();
}

Status IndexScheduler::request(const std::string& conn, bool full) {
  if (auto s = store_.note_request(conn, full); !s.ok()) return s;
  auto r = redis_.command({"ZADD", kDue, std::to_string(timeutil::now_unix_ms()), conn});
  if (!r.ok()) return r.error();
  task_.wake();
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
    return Error(errc::index_busy, "An index build of this connection is already running.", 409);
  auto release = [&] {
    log::best_effort(store_.unlock(conn, token), "releasing the index build lock");
  };
  auto meta = store_.meta(conn);
  if (!meta.ok()) {
    release();
    return meta.error();
  }
  bool full = force_full || meta->version == 0 || meta->last_full_ms == 0 ||
              timeutil::now_unix_ms() - meta->last_full_ms > opts_.full_interval_ms;
  auto asked = store_.pending_request(conn);
  if (asked.ok() && asked->full) full = true;
  log::best_effort(store_.put_meta(conn, {{"state", "building"}}), "marking the index as building");
  int64_t started = timeutil::now_unix_ms();

  Result<BuildStats> result = Error(errc::internal, "not run");
  auto access = access_.open(conn);
  if (!access.ok()) {
    result = access.error();
  } else {
    auto known = libraries_.cached(conn);
    Result<LibraryList> libs = Error(errc::internal, "no libraries");
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
            return Error(errc::interrupted, "library-service is shutting down.", 503);
          return store_.renew(conn, token, opts_.lock_ttl_ms);
        };
        result = full ? builder_.full(conn, src, effective, renew)
                      : builder_.incremental(conn, src, effective, renew);
      }
    }
  }
  // A build's pages are freed by now; give their memory back to the system.
  mem::release_free_memory();
  if (result.ok()) {
    // Asked again while this build ran: build again now, else at the next refresh.
    auto cleared = store_.clear_request(conn, asked.ok() ? asked->seq : 0);
    int64_t next = timeutil::now_unix_ms();
    if (cleared.ok() && *cleared) next += opts_.refresh_interval_ms;
    log::best_effort(redis_.command({"ZADD", kDue, std::to_string(next), conn}),
                     "scheduling the next index build");
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
    log::best_effort(
        store_.put_meta(conn,
                        {{"state", "failed"},
                         {"last_error", e.message},
                         {"last_error_code", e.code},
                         {"last_build_ms", std::to_string(timeutil::now_unix_ms())},
                         {"last_duration_ms", std::to_string(timeutil::now_unix_ms() - started)}}),
        "recording a failed index build");
    // A server that is out of reach (or our own infrastructure) is retried
    // within a minute; anything else waits for the next refresh.
    int64_t retry = jf::is_unreachable(e) || is_infrastructure_transient(e)
                        ? std::min<int64_t>(opts_.refresh_interval_ms, 60000)
                        : opts_.refresh_interval_ms;
    if (e.retry_after_s > 0) retry = std::max<int64_t>(retry, e.retry_after_s * 1000LL);
    if (e.code == errc::not_found)
      log::best_effort(redis_.command({"ZREM", kDue, conn}),
                       "unscheduling the index of a deleted connection");  // the connection is gone
    else
      log::best_effort(
          redis_.command({"ZADD", kDue, std::to_string(timeutil::now_unix_ms() + retry), conn}),
          "scheduling an index build retry");
    log::warn("index build failed",
              {{"connection_id", conn}, {"code", e.code}, {"error", e.message}});
  }
  release();
  return result;
}

void IndexScheduler::start() {
  pool_ = std::make_unique<ThreadPool>(static_cast<size_t>(opts_.max_concurrent), 64, "index");
  task_.start();
}

void IndexScheduler::stop() {
  stopping_ = true;  // running builds stop at their next page and keep the current index
  if (!task_.running()) return;
  task_.stop();
  pool_->stop();
}

void IndexScheduler::tick() {
  {
    log::best_effort(store_.collect_garbage(timeutil::now_unix_ms()),
                     "collecting old index versions");
    int free_slots = opts_.max_concurrent - running_.load();
    if (free_slots <= 0) return;
    auto lease = redis_.acquire();
    auto ids = due::claim_due(*lease, kDue, timeutil::now_unix_ms(), opts_.lock_ttl_ms, free_slots);
    if (!ids.ok()) return;
    for (const auto& conn : *ids) {
      running_++;
      if (!pool_->submit([this, conn] {
            auto r = run(conn, false);
            if (!r.ok() && r.error().code == errc::index_busy)
              log::best_effort(
                  redis_.command(
                      {"ZADD", kDue, std::to_string(timeutil::now_unix_ms() + 5000), conn}),
                  "rescheduling a busy index build");
            running_--;
          }))
        running_--;
    }
  }
}

}  // namespace jb::library
