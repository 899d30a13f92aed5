// lease_keeper.cpp — see lease_keeper.h.
#include "sync-worker/lease_keeper.h"

#include <vector>

#include "common/core/log.h"
#include "common/core/result.h"
#include "common/core/time.h"

namespace jb::worker {

bool Lease::valid() const {
  return !lost_.load() && remaining_ms() > 0;
}

int64_t Lease::remaining_ms() const {
  return granted_at_ms_.load() + lease_ms_ * 2 / 3 - timeutil::monotonic_ms();
}

void Lease::renewed(int64_t sent_at_ms) {
  // Never move the deadline back (a slow renewal answered after a newer one).
  int64_t cur = granted_at_ms_.load();
  while (sent_at_ms > cur && !granted_at_ms_.compare_exchange_weak(cur, sent_at_ms)) {
  }
}

Status WorkControl::check_owned() const {
  if (owned()) return Status::Ok();
  return Error(errc::lease_lost, "this worker no longer holds work entry " + entry() +
                                     " (its lease ran out); another worker does it");
}

Status WorkControl::check() const {
  if (stopping()) return Error(errc::interrupted, "stopping");
  return check_owned();
}

const std::string& WorkControl::entry() const {
  static const std::string none;
  return lease_ ? lease_->entry() : none;
}

LeaseKeeper::LeaseKeeper(RedisOptions redis, workq::Names names, std::string consumer,
                         int64_t lease_ms, metrics::Registry& registry)
    : conn_(std::move(redis)),
      names_(std::move(names)),
      consumer_(std::move(consumer)),
      lease_ms_(lease_ms),
      lost_(registry.counter("jb_work_leases_lost_total",
                             "Work entries this worker lost to another after its lease")),
      task_(
          std::chrono::milliseconds(std::max<int64_t>(lease_ms / 3, 1)), [this] { renew_all(); },
          false) {}

LeaseKeeper::~LeaseKeeper() {
  stop();
}

void LeaseKeeper::start() {
  task_.start();
}

void LeaseKeeper::stop() {
  task_.stop();
}

std::shared_ptr<Lease> LeaseKeeper::hold(const std::string& entry, int64_t read_sent_at_ms,
                                         const std::string& stream) {
  const std::string lane = stream.empty() ? names_.stream : stream;
  auto lease = std::make_shared<Lease>(entry, lease_ms_, read_sent_at_ms, lane);
  std::lock_guard<std::mutex> l(mu_);
  held_[lane + "\n" + entry] = lease;
  return lease;
}

void LeaseKeeper::release(const std::string& entry, const std::string& stream) {
  std::lock_guard<std::mutex> l(mu_);
  held_.erase((stream.empty() ? names_.stream : stream) + "\n" + entry);
}

void LeaseKeeper::renew_all() {
  std::vector<std::shared_ptr<Lease>> held;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [id, lease] : held_)
      if (!lease->lost() && !lease->finished()) held.push_back(lease);
  }
  for (const auto& lease : held) {
    int64_t sent = timeutil::monotonic_ms();
    auto r = workq::renew(conn_, names_.lane(lease->stream()), consumer_, lease->entry());
    if (!r.ok()) {
      // The local deadline runs out on its own; the step stops in time.
      if (!warned_) log::warn("cannot renew work leases", {{"error", r.error().message}});
      warned_ = true;
      continue;
    }
    warned_ = false;
    if (*r) {
      lease->renewed(sent);
    } else if (!lease->finished()) {
      lease->mark_lost();
      lost_.inc();
      log::warn("work entry taken over by another worker; its step stops before its next write",
                {{"entry", lease->entry()}});
    }
  }
}

}  // namespace jb::worker
