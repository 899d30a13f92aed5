// heartbeat.cpp — see heartbeat.h.
#include "sync-worker/heartbeat.h"

#include "common/core/log.h"
#include "common/redis/worker_registry.h"

namespace jb::worker {

Heartbeat::Heartbeat(RedisOptions redis, std::string worker_id, int interval_ms, int ttl_ms)
    : conn_(std::move(redis)),
      id_(std::move(worker_id)),
      interval_ms_(interval_ms),
      ttl_ms_(ttl_ms) {}

Heartbeat::~Heartbeat() {
  stop();
}

void Heartbeat::start() {
  thread_ = std::thread([this] { loop(); });
}

void Heartbeat::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (auto s = workers::deregister(conn_, id_); !s.ok())
    log::warn("could not deregister", {{"error", s.error().message}});
}

void Heartbeat::loop() {
  bool was_failing = false;
  for (;;) {
    auto s = workers::heartbeat(conn_, id_, ttl_ms_);
    if (s.ok()) {
      beats_++;
      if (was_failing) log::info("heartbeat restored");
      was_failing = false;
    } else if (!was_failing) {
      log::warn("heartbeat failed", {{"error", s.error().message}});
      was_failing = true;
    }
    std::unique_lock<std::mutex> l(mu_);
    if (cv_.wait_for(l, std::chrono::milliseconds(interval_ms_), [&] { return stop_; })) return;
  }
}

}  // namespace jb::worker
