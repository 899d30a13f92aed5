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
    token_ = rnd::hex(8);
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(b_.options().max_wait_ms);
    local_ = b_.enter_local(key_, deadline);
    int backoff_us = 500;
    for (;;) {
      int64_t got = b_.enter_shared(key_, token_);
      if (got == ServerBudget::kEntered) return;
      if (got == ServerBudget::kUnavailable) {  // no budget to keep: hold no place either
        token_.clear();
        if (local_) b_.leave_local(key_);
        local_ = false;
        return;
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) {
        log::warn("server budget wait exceeded; proceeding", {{"budget", key_}});
        token_.clear();
        return;
      }
      if (got < 0) {  // the server asked everyone to pause; look again now and then
        auto nap = std::chrono::milliseconds(std::min<int64_t>(-got, kPauseRecheckMs));
        std::this_thread::sleep_until(std::min(deadline, now + nap));
        continue;
      }
      // Jitter spreads the contenders of several processes; the cap keeps a freed slot busy.
      auto half = static_cast<uint32_t>(backoff_us / 2);
      std::this_thread::sleep_for(std::chrono::microseconds(half + rnd::uniform(half)));
      backoff_us = std::min(backoff_us * 2, kMaxBackoffUs);
    }
  }
  void slow_down(int ms) override { b_.pause(key_, std::min<int64_t>(ms, kMaxPauseMs)); }
  void leave() override {
    if (!token_.empty()) b_.leave(key_, token_);
    token_.clear();
    if (local_) b_.leave_local(key_);
    local_ = false;
  }

 private:
  static constexpr int kMaxBackoffUs = 4000;
  static constexpr int64_t kPauseRecheckMs = 250;  // a pause lifted early is noticed this soon
  static constexpr int64_t kMaxPauseMs =
      300000;  // a Retry-After beyond 5 minutes is not obeyed in full
  ServerBudget& b_;
  std::string key_;
  std::string token_;
  bool local_ = false;  // holds a place in the process-local queue
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
  int& held = local_[key];  // entries are never erased: one per server, references stay valid
  if (held >= opts_.limit) count_wait();
  if (!local_cv_.wait_until(lock, deadline, [&] { return held < opts_.limit; })) return false;
  ++held;
  return true;
}

void ServerBudget::leave_local(const std::string& key) {
  {
    std::lock_guard lock(local_mu_);
    auto it = local_.find(key);
    if (it != local_.end() && it->second > 0) --it->second;
  }
  local_cv_.notify_all();
}

void ServerBudget::leave(const std::string& key, const std::string& token) {
  log::best_effort(redis_.command({"ZREM", key, instance_ + "|" + token}),
                   "returning a server budget slot");
}

Result<int64_t> ServerBudget::in_flight(const std::string& server_url) {
  auto lease = redis_.acquire();
  auto r = kInFlight.run(*lease, {key(server_url)}, {});
  if (!r.ok()) return r.error();
  return r->integer;
}

}  // namespace jb
