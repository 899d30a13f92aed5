// index_scheduler.h — when and where index builds run.
//
// Requests (a whitelist change, "Load Libraries" of a new connection, an API
// call) put the connection in the due set (jb:idx:due) and mark the index
// `stale`. Every tick the scheduler claims due connections atomically (so
// several library-service replicas share the work without a leader), runs up
// to `max_concurrent` builds on its pool, and re-schedules each connection for
// its next incremental refresh (with a full rebuild every `full_interval_ms`).
// A build first takes the connection's index lock (SET NX PX, renewed while it
// runs): two refreshes of one connection never run at the same time. Failed
// builds back off. Superseded index versions are garbage-collected.
//
// Thread-safety: request()/status are thread-safe; start()/stop() from the
// owning thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/core/periodic.h"
#include "common/core/thread_pool.h"
#include "common/jellyfin/connection_access.h"
#include "common/net/events.h"
#include "library-service/index_builder.h"
#include "library-service/index_store.h"
#include "library-service/libraries.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* index_busy = "index_busy";  // 409: a build of the connection is running
}  // namespace jb::errc

namespace jb::library {

struct SchedulerOptions {
  int tick_ms = 1000;
  int64_t refresh_interval_ms = 15LL * 60 * 1000;
  int64_t full_interval_ms = 24LL * 3600 * 1000;
  int64_t lock_ttl_ms = 120000;
  int max_concurrent = 2;
};

class IndexScheduler {
 public:
  using Publish = std::function<void(const std::string& topic, const std::string& payload)>;
  IndexScheduler(RedisPool& redis, IndexStore& store, IndexBuilder& builder, Libraries& libraries,
                 ConnectionAccess& access, SchedulerOptions opts, Publish publish);
  ~IndexScheduler();

  Status request(const std::string& conn, bool full);
  // Runs one build now on the calling thread (lock rules apply).
  Result<BuildStats> run(const std::string& conn, bool force_full);
  // Publishes an event to auth-service (e.g. "library.whitelist").
  void publish(const std::string& topic, const std::string& payload) {
    if (publish_) publish_(topic, payload);
  }
  // Fetches the library list from Jellyfin and caches it.
  Result<LibraryList> load_libraries(const std::string& conn, Access& a);
  void start();
  void stop();

 private:
  void tick();
  RedisPool& redis_;
  IndexStore& store_;
  IndexBuilder& builder_;
  Libraries& libraries_;
  ConnectionAccess& access_;
  SchedulerOptions opts_;
  Publish publish_;
  std::unique_ptr<ThreadPool> pool_;
  std::atomic<int> running_{0};
  std::atomic<bool> stopping_{false};
  PeriodicTask task_;  // last: stopped before the members it uses go
};

}  // namespace jb::library
