// consumer.h — the worker's loop over the durable work queue.
//
// On start it first re-reads entries already delivered to this consumer id and
// never acked (a restart with the same JB_WORKER_ID), then reads new entries,
// and periodically claims entries other consumers left idle past the lease (a
// SIGKILLed worker's). Each entry is dispatched by its "type" field:
//   • handler returns ok            → XACK
//   • handler returns code "retry"  → left pending; redelivered after the lease
//   • handler returns code "interrupted" (we are stopping) → handed back at once
//   • any other error, an unknown type, or too many deliveries → dead-letter
//     (and the on_dead_letter hook)
// stop() lets the entry in progress finish (handlers watch `stopping`) and
// hands back entries fetched but not started, so others claim them at once.
//
// Leases: every entry fetched is held by the LeaseKeeper (lease_keeper.h),
// which renews it by time until the handler returns. A handler receives a
// WorkControl and checks it before each side effect; one that returns
// "lease_lost" has lost its entry to another worker: the consumer then neither
// acks, hands back nor dead-letters it (the new owner does). Ack, hand-back
// and dead-letter are themselves owner-checked in Redis.
//
// Memory: once a blocking read brings nothing and no consumer of the process
// is processing an entry, the memory freed since the last such moment is
// given back to the system (memory_trim.h) — when idle, not after each step,
// because giving back a heap that steps keep reusing costs CPU (every give-back
// interrupts all CPUs, every reuse faults the pages in again).
//
// Thread-safety: register handlers before start(); start()/stop() from the
// owning thread. Handlers run on the consumer thread.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "common/core/metrics.h"
#include "common/net/events.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "sync-worker/lease_keeper.h"

namespace jb::worker {

using WorkHandler = std::function<Status(const workq::Item&, const WorkControl& control)>;

struct ConsumerOptions {
  workq::Names names = workq::default_names();
  std::string consumer;  // worker id
  int64_t lease_ms = 30000;
  int max_deliveries = 5;
  int batch = 10;
  int block_ms = 1000;
  int nice = 0;  // > 0: the loop thread (where steps run) at that lower CPU priority
};

class Consumer {
 public:
  Consumer(RedisOptions redis, ConsumerOptions opts, metrics::Registry& registry,
           EventPublisher* events = nullptr);
  ~Consumer();
  void on(const std::string& type, WorkHandler h);
  // Called after an entry went to the dead-letter stream (with its error), so
  // the work it belonged to can be failed visibly.
  void on_dead_letter(std::function<void(const workq::Item&, const std::string& error)> f) {
    dead_ = std::move(f);
  }
  void start();
  // Asks the loop to stop (no new entries; the running step sees stopping()), without waiting.
  void request_stop() { stopping_ = true; }
  void stop();  // request_stop(), then waits for the loop and the lease keeper
  uint64_t processed() const { return processed_.load(); }

 private:
  void loop();
  void process(const workq::Item& item, const std::shared_ptr<Lease>& lease);
  // The queue as seen for calls about one entry: the lane it was read from.
  workq::Names lane_of(const workq::Item& item) const;
  RedisConnection conn_;
  ConsumerOptions opts_;
  LeaseKeeper keeper_;
  metrics::Registry& registry_;
  EventPublisher* events_;
  std::map<std::string, WorkHandler> handlers_;
  std::function<void(const workq::Item&, const std::string&)> dead_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> processed_{0};
};

}  // namespace jb::worker
