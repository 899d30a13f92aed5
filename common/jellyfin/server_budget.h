// server_budget.h — a per-Jellyfin-server concurrency budget shared by every
// process through Redis, so that ten workers (and the library indexer) never
// send one server more than `limit` requests at once.
//
// The budget is keyed by the server's normalised URL (jf::normalize_server_url),
// what we connect to, never by the `Id` the server reports about itself: a
// server that lies about its id can neither share nor steal another server's
// budget. It is a sorted set jb:budget:<normalised server URL> of holders
// ("<process instance>|<random token>" per request) scored by their expiry;
// entering is one Lua call that drops expired holders and the holders of dead
// processes, and adds ours when fewer than `limit` remain. A process is alive
// while its key jb:budget:live:<instance> exists: a thread renews it every
// live_ttl/3 and a clean exit deletes it, so a SIGKILLed worker's holders
// (possibly the whole budget, since one worker fills it) are gone within
// live_ttl instead of blocking every other process until they expire;
// leaving removes ours. A full budget waits with a short, jittered backoff
// (capped at a few milliseconds, so a freed slot does not sit idle for long). A server that answers 429/503 with Retry-After pauses its
// whole budget (jb:budget:<URL>:pause, set by the client through
// RequestGate::slow_down): every process holds its requests to that server
// until the pause ends, instead of each finding out with a request of its
// own. If Redis is unreachable the gate lets the request through (and logs
// once): the budget protects the server but must not stop the suite.
//
// Inside one process the threads of a server first queue locally (at most
// `limit` of them hold or want a slot; the others wait on a condition variable
// and are woken the moment a local holder leaves), and of those only one at a
// time asks Redis (begin_poll), so a worker that fans out many requests to
// one server costs Redis one attempt per backoff while the budget is full, not
// one per waiting thread, nor lets a freed slot wait for a backoff to expire.
// A thread that leaves while another
// thread of its process waits for the same server hands its slot over (no
// Redis round trip for either); a slot is handed over only for handoff_ms
// after it was taken from Redis and never during a pause this process was
// told of, so every process still meets Redis — the budget, its pause, the
// other processes — several times a second per slot.
//
// Thread-safety: ServerBudget is thread-safe; a Gate belongs to one client
// (one thread).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/core/metrics.h"
#include "common/core/periodic.h"
#include "common/jellyfin/client.h"
#include "common/redis/client.h"

namespace jb {

struct ServerBudgetOptions {
  int limit = 8;  // JB_SERVER_CONCURRENCY: requests in flight per server, all processes together
  int64_t hold_ttl_ms = 120000;  // a holder that never left (crash) expires after this
  int max_wait_ms = 60000;     // entering never waits longer (then proceeds, counted as overdraft)
  int64_t live_ttl_ms = 5000;  // a process that stops renewing its liveness this long is dead
  // A slot a thread leaves while another thread of the same process waits for that
  // server is handed over without a Redis round trip, for this long after it was
  // taken from Redis; then it goes back (and the budget, its pause, is asked again).
  int64_t handoff_ms = 250;
};

class ServerBudget {
 public:
  ServerBudget(RedisPool& redis, ServerBudgetOptions opts, metrics::Registry* registry = nullptr);
  ~ServerBudget();  // a clean exit frees this process's holders at once
  ServerBudget(const ServerBudget&) = delete;
  ServerBudget& operator=(const ServerBudget&) = delete;

  // A gate for the client of one server; its URL (normalised here) names the budget.
  std::unique_ptr<jf::RequestGate> gate(const std::string& server_url);

  // Holders in flight for a server now (tests, metrics).
  Result<int64_t> in_flight(const std::string& server_url);
  // The Redis key of a server's budget: jb:budget:<normalised URL> (the text as
  // given when it does not normalise; "jb:budget:unknown" for "").
  static std::string key(const std::string& server_url);
  const ServerBudgetOptions& options() const { return opts_; }

  // Used by the gates. enter_shared: kEntered, kUnavailable (Redis unreachable:
  // let through, holding nothing), 0 full, or -ms: paused for that long.
  static constexpr int64_t kEntered = 1, kUnavailable = 2;
  int64_t enter_shared(const std::string& key, const std::string& token);
  bool try_enter(const std::string& key, const std::string& token);
  // Holds every request to the server of `key` (all processes) for `ms` (never shortens a pause).
  void pause(const std::string& key, int64_t ms);
  static std::string pause_key(const std::string& key);
  // A process's liveness key: jb:budget:live:<instance>, renewed every live_ttl/3.
  static std::string live_key(const std::string& instance);
  const std::string& instance() const { return instance_; }
  uint64_t waits() const { return waits_.load(); }
  // Slots handed from one thread of this process to another without Redis.
  uint64_t handoffs() const { return handoffs_.load(); }

  // A slot held in Redis: its holder token and when it was taken from Redis.
  struct Slot {
    std::string token;
    std::chrono::steady_clock::time_point since;
  };
  // The process-local queue in front of Redis: false when `deadline` passed first.
  bool enter_local(const std::string& key, std::chrono::steady_clock::time_point deadline);
  void leave_local(const std::string& key);
  // While alive, a thread of this process wants a slot of `key` (so a leaving thread hands
  // its slot over instead of returning it); the last one gone returns unclaimed slots.
  class Wanting {
   public:
    Wanting(ServerBudget& b, const std::string& key);
    ~Wanting();
    Wanting(const Wanting&) = delete;
    Wanting& operator=(const Wanting&) = delete;

   private:
    ServerBudget& b_;
    std::string key_;
  };
  // A slot handed over by a leaving thread, if one is waiting (and still young, no pause).
  std::optional<Slot> take_spare(const std::string& key);
  // Waits until a slot is handed over or `until`.
  void wait_for_spare(const std::string& key, std::chrono::steady_clock::time_point until);
  // One thread of this process at a time asks Redis for a slot of `key` while the
  // budget is full (the others wait for a handed-over slot or their turn), so a
  // full budget costs Redis a few attempts a millisecond per process, not one per
  // waiting thread. begin_poll: true when this thread's turn came (it polls, then
  // calls end_poll); false when a slot was handed over meanwhile or `deadline` passed.
  // poll_backoff: how long the poller waits after a full answer (shared by the
  // process's pollers: it doubles per full answer up to a cap, and restarts when one entered).
  bool begin_poll(const std::string& key, std::chrono::steady_clock::time_point deadline);
  void end_poll(const std::string& key, bool entered);
  std::chrono::microseconds poll_backoff(const std::string& key);
  // Hands the slot to a waiting thread of this process, or returns it to Redis.
  void leave(const std::string& key, Slot slot);

 private:
  RedisPool& redis_;
  ServerBudgetOptions opts_;
  std::atomic<uint64_t> waits_{0}, handoffs_{0};
  void count_wait();
  void release(const std::string& key, const std::vector<Slot>& slots);
  void renew_liveness();
  std::atomic<bool> warned_{false};
  metrics::Counter* wait_counter_ = nullptr;
  // This process's side of one server's budget.
  struct Local {
    int places = 0;           // threads holding a slot or contending for one in Redis (<= limit)
    int wanting = 0;          // threads in enter() without a slot yet
    std::vector<Slot> spare;  // slots left by one thread for another to take
    bool polling = false;     // a thread of this process is asking Redis (begin_poll)
    int backoff_us = 0;       // the poller's wait after a full answer (0: none yet)
    std::chrono::steady_clock::time_point no_handoff_until{};  // a Retry-After pause
  };
  // The poller's backoff after a full answer: from the first to the cap, doubling.
  static constexpr int kFirstBackoffUs = 500, kMaxBackoffUs = 4000;
  std::mutex local_mu_;  // guards local_
  std::condition_variable local_cv_;
  std::map<std::string, Local> local_;  // budget key → this process's side
  std::string instance_;                // random: names this process's holders
  PeriodicTask live_;                   // last: stopped before the members it uses go
};

}  // namespace jb
