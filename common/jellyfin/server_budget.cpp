// server_budget.cpp — see server_budget.h.
#include "common/jellyfin/server_budget.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "common/core/log.h"
#include "common/core/random.h"
#include "common/jellyfin/url.h"
#include "common/redis/script.h"

namespace jb {

namespace {

// KEYS[1] budget, KEYS[2] its pause; ARGV: holder, limit, ttl ms, liveness
// key prefix. Redis's clock, so that the processes' clocks never matter. A
// full budget first drops the holders of processes whose liveness key is gone.
// → 1 entered, 0 full, -ms paused for that long (the server asked for it with Retry-After).
const RedisScript kEnter(R"lua(
local p = redis.call('PTTL', KEYS[2])
if p > 0 then return -p end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  for _, h in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    local inst = string.match(h, '^([^|]+)|')
    if inst and redis.call('EXISTS', ARGV[4] .. inst) == 0 then redis.call('ZREM', KEYS[1], h) end
  end
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3])) end
return 1
)lua");

// KEYS[1] pause; ARGV[1] ms → the pause lasts at least that long from now (never shortened).
const RedisScript kPause(R"lua(
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
)lua");

// KEYS[1] budget → holders not yet expired.
const RedisScript kInFlight(R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
)lua");

class Gate final : public jf::RequestGate {
 public:
  Gate(ServerBudget& b, std::string key) : b_(b), key_(std::move(key)) {}
  void enter() override {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(b_.options().max_wait_ms);
    ServerBudget::Wanting wanting(b_, key_);
    local_ = b_.enter_local(key_, deadline);
    for (;;) {
      // A slot another thread of this process has just finished with: no Redis call.
      if (auto s = b_.take_spare(key_)) {
        slot_ = std::move(*s);
        return;
      }
      // Our turn to ask Redis (one thread of the process at a time), unless a slot
      // was handed over meanwhile.
      if (!b_.begin_poll(key_, deadline)) {
        if (Clock::now() < deadline) continue;
        log::warn("server budget wait exceeded; proceeding", {{"budget", key_}});
        return;
      }
      std::string token = rnd::hex(8);
      int64_t got = b_.enter_shared(key_, token);
      if (got == ServerBudget::kEntered) {
        b_.end_poll(key_, true);
        slot_ = ServerBudget::Slot{std::move(token), Clock::now()};
        return;
      }
      if (got == ServerBudget::kUnavailable) {  // no budget to keep: hold no place either
        b_.end_poll(key_, true);
        if (local_) b_.leave_local(key_);
        local_ = false;
        return;
      }
      auto now = Clock::now();
      if (now >= deadline) {
        b_.end_poll(key_, false);
        log::warn("server budget wait exceeded; proceeding", {{"budget", key_}});
        return;
      }
      if (got < 0) {  // the server asked everyone to pause; look again now and then
        b_.end_poll(key_, false);
        auto nap = std::chrono::milliseconds(std::min<int64_t>(-got, kPauseRecheckMs));
        std::this_thread::sleep_until(std::min(deadline, now + nap));
        continue;
      }
      // Full: still the process's poller, wait for a local thread to hand a slot over,
      // or look in Redis again after a jittered backoff (it spreads the processes'
      // pollers; its cap keeps a slot freed elsewhere from sitting idle for long).
      auto half = static_cast<uint32_t>(b_.poll_backoff(key_).count() / 2);
      b_.wait_for_spare(
          key_, std::min(deadline, now + std::chrono::microseconds(half + rnd::uniform(half))));
      b_.end_poll(key_, false);
    }
  }
  void slow_down(int ms) override { b_.pause(key_, std::min<int64_t>(ms, kMaxPauseMs)); }
  void leave() override {
    if (slot_) b_.leave(key_, std::move(*slot_));  // to a waiting local thread, or back to Redis
    slot_.reset();
    if (local_) b_.leave_local(key_);
    local_ = false;
  }

 private:
  static constexpr int64_t kPauseRecheckMs = 250;  // a pause lifted early is noticed this soon
  static constexpr int64_t kMaxPauseMs =
      300000;  // a Retry-After beyond 5 minutes is not obeyed in full
  ServerBudget& b_;
  std::string key_;
  std::optional<ServerBudget::Slot> slot_;  // the slot held between enter() and leave()
  bool local_ = false;                      // holds a place in the process-local queue
};

}  // namespace

ServerBudget::ServerBudget(RedisPool& redis, ServerBudgetOptions opts, metrics::Registry* registry)
    : redis_(redis),
      opts_(opts),
      instance_(rnd::hex(8)),
      live_(std::chrono::milliseconds(std::max<int64_t>(opts.live_ttl_ms / 3, 1)),
            [this] { renew_liveness(); }) {
  renew_liveness();  // alive before the first holder is added
  live_.start();
  if (registry)
    wait_counter_ =
        &registry->counter("jb_server_budget_waits_total",
                           "Jellyfin requests that waited for the per-server concurrency budget");
}

ServerBudget::~ServerBudget() {
  live_.stop();
  log::best_effort(redis_.command({"DEL", live_key(instance_)}),
                   "freeing this process's server budget holders");
}

void ServerBudget::renew_liveness() {
  auto r =
      redis_.command({"SET", live_key(instance_), "1", "PX", std::to_string(opts_.live_ttl_ms)});
  // Redis down: there is nothing to renew, and enter() lets requests through (and says so).
  if (!r.ok()) log::debug("server budget liveness not renewed", {{"error", r.error().message}});
}

std::string ServerBudget::live_key(const std::string& instance) {
  return "jb:budget:live:" + instance;
}

std::string ServerBudget::key(const std::string& server_url) {
  if (server_url.empty()) return "jb:budget:unknown";
  auto n = jf::normalize_server_url(server_url);
  return "jb:budget:" + (n.ok() ? *n : server_url);
}

std::unique_ptr<jf::RequestGate> ServerBudget::gate(const std::string& server_url) {
  return std::make_unique<Gate>(*this, key(server_url));
}

int64_t ServerBudget::enter_shared(const std::string& key, const std::string& token) {
  auto lease = redis_.acquire();
  auto r = kEnter.run(*lease, {key, pause_key(key)},
                      {instance_ + "|" + token, std::to_string(opts_.limit),
                       std::to_string(opts_.hold_ttl_ms), live_key("")});
  if (!r.ok()) {
    if (!warned_.exchange(true))
      log::warn("server budget unavailable; requests proceed without it",
                {{"error", r.error().message}});
    return kUnavailable;
  }
  if (r->integer == 1) return kEntered;
  count_wait();
  return r->integer;
}

bool ServerBudget::try_enter(const std::string& key, const std::string& token) {
  return enter_shared(key, token) > 0;  // entered, or Redis unavailable (let through)
}

void ServerBudget::pause(const std::string& key, int64_t ms) {
  if (ms <= 0) return;
  {
    // No slot changes hands here until the pause is over: each request asks Redis again.
    std::lock_guard lock(local_mu_);
    Local& l = local_[key];
    l.no_handoff_until = std::max(l.no_handoff_until,
                                  std::chrono::steady_clock::now() + std::chrono::milliseconds(ms));
  }
  auto lease = redis_.acquire();
  log::best_effort(kPause.run(*lease, {pause_key(key)}, {std::to_string(ms)}),
                   "pausing a server's budget");
}

std::string ServerBudget::pause_key(const std::string& key) {
  return key + ":pause";
}

void ServerBudget::count_wait() {
  waits_.fetch_add(1);
  if (wait_counter_) wait_counter_->inc();
}

bool ServerBudget::enter_local(const std::string& key,
                               std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(local_mu_);
  Local& l = local_[key];  // entries are never erased: one per server, references stay valid
  if (l.places >= opts_.limit) count_wait();
  if (!local_cv_.wait_until(lock, deadline, [&] { return l.places < opts_.limit; })) return false;
  ++l.places;
  return true;
}

void ServerBudget::leave_local(const std::string& key) {
  {
    std::lock_guard lock(local_mu_);
    Local& l = local_[key];
    if (l.places > 0) --l.places;
  }
  local_cv_.notify_all();
}

ServerBudget::Wanting::Wanting(ServerBudget& b, const std::string& key) : b_(b), key_(key) {
  std::lock_guard lock(b_.local_mu_);
  ++b_.local_[key_].wanting;
}

ServerBudget::Wanting::~Wanting() {
  std::vector<Slot> unused;
  {
    std::lock_guard lock(b_.local_mu_);
    Local& l = b_.local_[key_];
    --l.wanting;
    if (l.wanting == 0) unused.swap(l.spare);  // handed over, but the taker found its own
  }
  b_.release(key_, unused);
}

std::optional<ServerBudget::Slot> ServerBudget::take_spare(const std::string& key) {
  std::vector<Slot> stale;
  std::optional<Slot> out;
  {
    std::lock_guard lock(local_mu_);
    Local& l = local_[key];
    const auto now = std::chrono::steady_clock::now();
    while (!l.spare.empty()) {
      Slot s = std::move(l.spare.back());
      l.spare.pop_back();
      if (now - s.since < std::chrono::milliseconds(opts_.handoff_ms) &&
          now >= l.no_handoff_until) {
        out = std::move(s);
        break;
      }
      stale.push_back(std::move(s));
    }
  }
  release(key, stale);
  if (out) handoffs_.fetch_add(1);
  return out;
}

void ServerBudget::wait_for_spare(const std::string& key,
                                  std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(local_mu_);
  Local& l = local_[key];
  local_cv_.wait_until(lock, until, [&] { return !l.spare.empty(); });
}

bool ServerBudget::begin_poll(const std::string& key,
                              std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(local_mu_);
  Local& l = local_[key];
  local_cv_.wait_until(lock, deadline, [&] { return !l.spare.empty() || !l.polling; });
  if (!l.spare.empty() || l.polling) return false;
  l.polling = true;
  return true;
}

void ServerBudget::end_poll(const std::string& key, bool entered) {
  {
    std::lock_guard lock(local_mu_);
    Local& l = local_[key];
    l.polling = false;
    l.backoff_us =
        entered ? 0 : std::min(std::max(2 * l.backoff_us, kFirstBackoffUs), kMaxBackoffUs);
  }
  local_cv_.notify_all();
}

std::chrono::microseconds ServerBudget::poll_backoff(const std::string& key) {
  std::lock_guard lock(local_mu_);
  return std::chrono::microseconds(std::max(local_[key].backoff_us, kFirstBackoffUs));
}

void ServerBudget::leave(const std::string& key, Slot slot) {
  std::vector<Slot> back;
  {
    std::lock_guard lock(local_mu_);
    Local& l = local_[key];
    const auto now = std::chrono::steady_clock::now();
    // Another thread of this process wants this server: it takes the slot over
    // (no Redis round trip either way) while the slot is young — so the budget
    // is re-checked in Redis (pause, fairness) every handoff_ms at the latest.
    if (l.wanting > 0 && now - slot.since < std::chrono::milliseconds(opts_.handoff_ms) &&
        now >= l.no_handoff_until) {
      l.spare.push_back(std::move(slot));
    } else {
      back.push_back(std::move(slot));
      if (l.wanting == 0) {
        for (auto& s : l.spare) back.push_back(std::move(s));
        l.spare.clear();
      }
    }
  }
  if (back.empty()) {
    local_cv_.notify_all();
    return;
  }
  release(key, back);
}

void ServerBudget::release(const std::string& key, const std::vector<Slot>& slots) {
  if (slots.empty()) return;
  RedisArgv argv{"ZREM", key};
  for (const auto& s : slots) argv.push_back(instance_ + "|" + s.token);
  log::best_effort(redis_.command(argv), "returning a server budget slot");
}

Result<int64_t> ServerBudget::in_flight(const std::string& server_url) {
  auto lease = redis_.acquire();
  auto r = kInFlight.run(*lease, {key(server_url)}, {});
  if (!r.ok()) return r.error();
  return r->integer;
}

}  // namespace jb
