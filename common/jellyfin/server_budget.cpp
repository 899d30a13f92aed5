// server_budget.cpp — see server_budget.h.
#include "common/jellyfin/server_budget.h"

#include <chrono>
#include <thread>

#include "common/core/log.h"
#include "common/core/random.h"
#include "common/jellyfin/url.h"
#include "common/redis/script.h"

namespace jb {

namespace {

// KEYS[1] budget; ARGV: token, limit, ttl ms. Redis's clock, so that the
// processes' clocks never matter. → 1 entered, 0 full.
const RedisScript kEnter(R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3])) end
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
    auto start = std::chrono::steady_clock::now();
    int backoff_ms = 2;
    while (!b_.try_enter(key_, token_)) {
      auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
      if (waited.count() >= b_.options().max_wait_ms) {
        log::warn("server budget wait exceeded; proceeding", {{"budget", key_}});
        token_.clear();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      backoff_ms = std::min(backoff_ms * 2, 50);
    }
  }
  void leave() override {
    if (!token_.empty()) b_.leave(key_, token_);
    token_.clear();
  }

 private:
  ServerBudget& b_;
  std::string key_;
  std::string token_;
};

}  // namespace

ServerBudget::ServerBudget(RedisPool& redis, ServerBudgetOptions opts, metrics::Registry* registry)
    : redis_(redis), opts_(opts) {
  if (registry)
    wait_counter_ =
        &registry->counter("jb_server_budget_waits_total",
                           "Jellyfin requests that waited for the per-server concurrency budget");
}

std::string ServerBudget::key(const std::string& server_url) {
  if (server_url.empty()) return "jb:budget:unknown";
  auto n = jf::normalize_server_url(server_url);
  return "jb:budget:" + (n.ok() ? *n : server_url);
}

std::unique_ptr<jf::RequestGate> ServerBudget::gate(const std::string& server_url) {
  return std::make_unique<Gate>(*this, key(server_url));
}

bool ServerBudget::try_enter(const std::string& key, const std::string& token) {
  auto lease = redis_.acquire();
  auto r = kEnter.run(*lease, {key},
                      {token, std::to_string(opts_.limit), std::to_string(opts_.hold_ttl_ms)});
  if (!r.ok()) {
    if (!warned_.exchange(true))
      log::warn("server budget unavailable; requests proceed without it",
                {{"error", r.error().message}});
    return true;
  }
  if (r->integer == 1) return true;
  waits_.fetch_add(1);
  if (wait_counter_) wait_counter_->inc();
  return false;
}

void ServerBudget::leave(const std::string& key, const std::string& token) {
  log::best_effort(redis_.command({"ZREM", key, token}), "returning a server budget slot");
}

Result<int64_t> ServerBudget::in_flight(const std::string& server_url) {
  auto lease = redis_.acquire();
  auto r = kInFlight.run(*lease, {key(server_url)}, {});
  if (!r.ok()) return r.error();
  return r->integer;
}

}  // namespace jb
