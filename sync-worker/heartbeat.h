// heartbeat.h — keeps this worker's entry in the live-worker registry fresh
// from a background thread; deregisters on stop (graceful shutdown).
//
// Thread-safety: start()/stop() from the owning thread.
#pragma once

#include <atomic>
#include <string>

#include "common/core/periodic.h"
#include "common/redis/client.h"

namespace jb::worker {

class Heartbeat {
 public:
  Heartbeat(RedisOptions redis, std::string worker_id, int interval_ms, int ttl_ms);
  ~Heartbeat();
  void start();
  void stop();  // deregisters
  uint64_t beats() const { return beats_.load(); }

 private:
  void beat();
  RedisConnection conn_;
  std::string id_;
  int ttl_ms_;
  bool failing_ = false;  // the periodic thread's own
  std::atomic<uint64_t> beats_{0};
  PeriodicTask task_;  // last: stopped before the members it uses go
};

}  // namespace jb::worker
