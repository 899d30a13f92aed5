// heartbeat.h — keeps this worker's entry in the live-worker registry fresh
// from a background thread; deregisters on stop (graceful shutdown).
//
// Thread-safety: start()/stop() from the owning thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

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
  void loop();
  RedisConnection conn_;
  std::string id_;
  int interval_ms_, ttl_ms_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::atomic<uint64_t> beats_{0};
};

}  // namespace jb::worker
