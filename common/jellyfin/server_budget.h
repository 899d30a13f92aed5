// server_budget.h — a per-Jellyfin-server concurrency budget shared by every
// process through Redis, so that ten workers (and the library indexer) never
// send one server more than `limit` requests at once.
//
// The budget is keyed by the server's normalised URL (jf::normalize_server_url),
// what we connect to, never by the `Id` the server reports about itself: a
// server that lies about its id can neither share nor steal another server's
// budget. It is a sorted set jb:budget:<normalised server URL> of holders (a
// random token per request) scored by their expiry; entering is one Lua call that drops
// expired holders (a SIGKILLed process's) and adds ours when fewer than
// `limit` remain; leaving removes ours. A full budget waits with a short
// backoff. If Redis is unreachable the gate lets the request through (and
// logs once): the budget protects the server but must not stop the suite.
//
// Thread-safety: ServerBudget is thread-safe; a Gate belongs to one client
// (one thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/core/metrics.h"
#include "common/jellyfin/client.h"
#include "common/redis/client.h"

namespace jb {

struct ServerBudgetOptions {
  int limit = 8;  // JB_SERVER_CONCURRENCY: requests in flight per server, all processes together
  int64_t hold_ttl_ms = 120000;  // a holder that never left (crash) expires after this
  int max_wait_ms = 60000;  // entering never waits longer (then proceeds, counted as overdraft)
};

class ServerBudget {
 public:
  ServerBudget(RedisPool& redis, ServerBudgetOptions opts, metrics::Registry* registry = nullptr);

  // A gate for the client of one server; its URL (normalised here) names the budget.
  std::unique_ptr<jf::RequestGate> gate(const std::string& server_url);

  // Holders in flight for a server now (tests, metrics).
  Result<int64_t> in_flight(const std::string& server_url);
  // The Redis key of a server's budget: jb:budget:<normalised URL> (the text as
  // given when it does not normalise; "jb:budget:unknown" for "").
  static std::string key(const std::string& server_url);
  const ServerBudgetOptions& options() const { return opts_; }

  // Used by the gates.
  bool try_enter(const std::string& key, const std::string& token);
  void leave(const std::string& key, const std::string& token);
  uint64_t waits() const { return waits_.load(); }

 private:
  RedisPool& redis_;
  ServerBudgetOptions opts_;
  std::atomic<uint64_t> waits_{0};
  std::atomic<bool> warned_{false};
  metrics::Counter* wait_counter_ = nullptr;
};

}  // namespace jb
