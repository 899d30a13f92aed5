// lease_keeper.h — a worker's leases on the work entries it holds, renewed by
// time on a thread of their own, and the fence every step checks before it
// acts (WorkControl).
//
// Why a step that lost its entry never writes again:
//  • Redis lets another consumer claim a pending entry once it has been idle
//    for the lease (XAUTOCLAIM with min-idle = JB_WORK_LEASE_MS). Delivery and
//    renew() reset the idle time.
//  • The keeper renews every entry this worker holds every lease/3, whatever
//    the step is doing (a Retry-After sleep, a slow server, a wait for the
//    per-server budget). The renewal checks ownership in the same Lua script:
//    an entry that another consumer claimed, or that is gone, is marked lost
//    and never renewed again.
//  • Each Lease also carries a local deadline: the monotonic time at which the
//    last successful renewal (or the read that delivered the entry) was SENT,
//    plus 2/3 of the lease. Redis reset the idle time no earlier than that
//    send, so nobody can claim the entry before send + lease. A step that
//    checks WorkControl::check() before every side effect (and the Jellyfin
//    client's guard before every attempt, retries included, once the budget
//    admitted it and its connection is open, right before it is written)
//    therefore acts only while the entry is still its own, with lease/3 to
//    spare for the request to leave. What remains between that check and the
//    write is a few microseconds of libcurl: a process frozen exactly there
//    sends that one request when it resumes (the same idempotent absolute
//    write the new owner makes). If Redis is unreachable or the process was paused
//    (SIGSTOP, swapping), the deadline passes and the step stops even before
//    the keeper can learn that the entry was taken.
//  • Redis writes that only the owner may make (recording outcomes, finishing
//    a part, claiming the run's finalisation) check ownership inside their Lua
//    script (workq::owner_guard_lua), so they are fenced exactly.
// Consequently no write of a run is begun after another worker took the entry
// over, and so none after that worker finalised the run.
//
// Thread-safety: LeaseKeeper is thread-safe (hold/release from the consumer
// thread, renewals on its own thread); Lease's members are atomics.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/core/metrics.h"
#include "common/core/periodic.h"
#include "common/core/result.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* lease_lost = "lease_lost";  // this worker no longer owns the entry
}  // namespace jb::errc

namespace jb::worker {

class Lease {
 public:
  Lease(std::string entry, int64_t lease_ms, int64_t granted_at_ms, std::string stream = "")
      : entry_(std::move(entry)),
        stream_(std::move(stream)),
        lease_ms_(lease_ms),
        granted_at_ms_(granted_at_ms) {}
  const std::string& entry() const { return entry_; }
  const std::string& stream() const { return stream_; }  // its lane ("" = the queue's stream)
  // Still ours: not lost, and before the local deadline.
  bool valid() const;
  bool lost() const { return lost_.load(); }
  // Milliseconds left before the local deadline (negative: passed).
  int64_t remaining_ms() const;
  void renewed(int64_t sent_at_ms);
  void mark_lost() { lost_ = true; }
  // The handler returned: the entry is about to be acked, handed back or
  // dead-lettered, so the keeper stops renewing it (and an entry gone from
  // the pending list is then not "lost").
  void finish() { finished_ = true; }
  bool finished() const { return finished_.load(); }

 private:
  std::string entry_;
  std::string stream_;
  int64_t lease_ms_;
  std::atomic<int64_t> granted_at_ms_;
  std::atomic<bool> lost_{false};
  std::atomic<bool> finished_{false};
};

// What a work handler may ask about its entry.
class WorkControl {
 public:
  WorkControl(const std::atomic<bool>& stopping, std::shared_ptr<const Lease> lease)
      : stopping_(stopping), lease_(std::move(lease)) {}
  bool stopping() const { return stopping_.load(); }
  // The entry is still this worker's (always true without a lease: tools, tests).
  bool owned() const { return !lease_ || lease_->valid(); }
  // Ok while the handler may act; "lease_lost" when the entry is no longer
  // ours, "interrupted" when the worker is stopping. Call before every side
  // effect; return the error as it is.
  Status check() const;
  // check() without the stopping part: for a write already decided on.
  Status check_owned() const;
  const std::string& entry() const;

 private:
  const std::atomic<bool>& stopping_;
  std::shared_ptr<const Lease> lease_;
};

class LeaseKeeper {
 public:
  LeaseKeeper(RedisOptions redis, workq::Names names, std::string consumer, int64_t lease_ms,
              metrics::Registry& registry);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  void start();
  void stop();
  // Starts keeping an entry of lane `stream` ("" = the queue's stream) delivered
  // by a read sent at `read_sent_at_ms` (monotonic).
  std::shared_ptr<Lease> hold(const std::string& entry, int64_t read_sent_at_ms,
                              const std::string& stream = "");
  void release(const std::string& entry, const std::string& stream = "");
  int64_t lease_ms() const { return lease_ms_; }

 private:
  void renew_all();
  RedisConnection conn_;  // the periodic thread's own
  workq::Names names_;
  std::string consumer_;
  int64_t lease_ms_;
  metrics::Counter& lost_;
  bool warned_ = false;                                 // the periodic thread's own
  std::mutex mu_;                                       // guards held_
  std::map<std::string, std::shared_ptr<Lease>> held_;  // by "<lane>\n<entry>"
  PeriodicTask task_;  // last: stopped before the members it uses go
};

}  // namespace jb::worker
