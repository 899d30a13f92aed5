// expiry_scheduler.h — starts the account expiry work (expiry_step.h) without
// a leader process, on the model of scheduler.h: every worker ticks, and each
// tick claims with jb::due::claim_due (one Redis-atomic script)
//   • the accounts due in jb:account:expiry → one "account.expiry" item each;
//     the claim moves each account one lease (10 minutes) on, so an account
//     whose step never finished (a killed worker) comes back, and the step
//     itself then sets the real next due time;
//   • the member "sweep" of jb:account:sweep, every JB_ACCOUNT_SWEEP_INTERVAL_S
//     → one "account.sweep" item (the member is added when missing), only
//     while an admin connection is designated;
//   • the invites due in jb:invite:expiry (expired invites naming
//     admins to tell) → their invite_expired messages, sent right away
//     (common/accounts/invite_notice.h, once by dedupe id), then forgotten;
//   • account messages whose next attempt is due (jb:msg:retry, by the real
//     clock; common/notify/delivery_queue.h) → back on the urgent lane;
// so each is enqueued once per due time however many workers run. Due times
// are by the account clock (JB_TEST_CLOCK in tests).
//
// Thread-safety: start()/stop() from the owning thread; the tick runs on its
// own thread.
#pragma once

#include <cstdint>
#include <functional>

#include "common/core/metrics.h"
#include "common/core/periodic.h"
#include "common/redis/client.h"

namespace jb::worker {

inline constexpr const char* kSweepDueKey = "jb:account:sweep";
inline constexpr int64_t kExpiryClaimLeaseMs = 600000;

class ExpiryScheduler {
 public:
  ExpiryScheduler(RedisPool& redis, std::function<int64_t()> now_ms, int tick_ms,
                  int64_t sweep_interval_ms, metrics::Registry& registry)
      : redis_(redis),
        now_ms_(std::move(now_ms)),
        sweep_interval_ms_(sweep_interval_ms),
        started_(registry.counter("jb_account_expiry_items_total",
                                  "Account expiry and sweep items enqueued by the schedule")),
        task_(std::chrono::milliseconds(tick_ms), [this] { tick(); }) {}
  void start() { task_.start(); }
  void stop() { task_.stop(); }
  // One tick (tests): the number of items enqueued.
  int tick();

 private:
  RedisPool& redis_;
  std::function<int64_t()> now_ms_;
  int64_t sweep_interval_ms_;
  metrics::Counter& started_;
  PeriodicTask task_;  // last: stopped before the members it uses go
};

}  // namespace jb::worker
