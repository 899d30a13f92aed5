// heartbeat.cpp — see heartbeat.h.
#include "sync-worker/heartbeat.h"

#include "common/core/log.h"
#include "common/redis/worker_registry.h"

namespace jb::worker {

Heartbeat::Heartbeat(RedisOptions redis, std::string worker_id, int interval_ms, int ttl_ms)
    : conn_(std::move(redis)),
      id_(std::move(worker_id)),
      ttl_ms_(ttl_ms),
      task_(std::chrono::milliseconds(interval_ms), [this] { beat(); }) {}

Heartbeat::~Heartbeat() {
  stop();
}

void Heartbeat::start() {
  task_.start();
}

void Heartbeat::stop() {
  if (!task_.running()) return;
  task_.stop();
  if (auto s = workers::deregister(conn_, id_); !s.ok())
    log::warn("could not deregister", {{"error", s.error().message}});
}

void Heartbeat::beat() {
  auto s = workers::heartbeat(conn_, id_, ttl_ms_);
  if (s.ok()) {
    beats_++;
    if (failing_) log::info("heartbeat restored");
    failing_ = false;
  } else if (!failing_) {
    log::warn("heartbeat failed", {{"error", s.error().message}});
    failing_ = true;
  }
}

}  // namespace jb::worker
