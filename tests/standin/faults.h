// faults.h — what the test-control API can inject and observe:
//   * request counters per route key ("GET /Items", "GET /Users/{userId}")
//     and in total (control requests are never counted);
//   * latency: a global delay plus rules scoped to a method / path prefix /
//     route, summed when several match;
//   * faults, evaluated in creation order, the first that fires wins:
//     500 ("Error processing request."), 503 with Retry-After, hang (hold the
//     request, then close), drop (close without answering), badrequest (400
//     with a ProblemDetails body, as Jellyfin refuses a bad value); each fires for
//     the next N matching requests and/or with a rate in [0,1] drawn from a
//     per-rule PRNG seeded by the caller (deterministic for a given request
//     sequence);
//   * "starting" mode: every request but /System/Ping answers 503 text/html,
//     as Jellyfin does while it starts.
//
// Thread-safety: every member is safe to call from any thread (one mutex).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace jb::standin {

struct Scope {
  std::string method;  // empty = any; case-insensitive
  std::string prefix;  // empty = any; case-insensitive path prefix (after the base path)
  std::string route;   // empty = any; "GET /Items/{itemId}" or "/Items/{itemId}"
  bool matches(std::string_view method, std::string_view path, std::string_view route_key) const;
};

enum class FaultKind { kError500, kUnavailable503, kHang, kDrop, kBadRequest400 };
const char* fault_kind_name(FaultKind k);
std::optional<FaultKind> parse_fault_kind(std::string_view s);

struct FaultSpec {
  FaultKind kind = FaultKind::kError500;
  Scope scope;
  int64_t count = -1;            // fire at most this many times; -1 = unlimited
  double rate = 1.0;             // probability per matching request
  std::optional<uint64_t> seed;  // PRNG seed for rate; none = random
  int retry_after_s = -1;        // 503: Retry-After seconds (-1 = no header)
  int64_t hang_ms = 30000;       // hang: how long before the connection is closed
};

struct FaultState {
  int id = 0;
  FaultSpec spec;
  uint64_t matched = 0;
  uint64_t fired = 0;
};

struct FaultDecision {
  std::optional<FaultKind> kind;
  int retry_after_s = -1;
  int64_t hang_ms = 0;
  int rule_id = 0;
};

struct LatencyRule {
  int id = 0;
  Scope scope;
  int64_t ms = 0;
};

class Faults {
 public:
  explicit Faults(int64_t default_global_latency_ms = 0)
      : default_global_ms_(default_global_latency_ms), global_ms_(default_global_latency_ms) {}

  void count(const std::string& route_key);
  std::map<std::string, uint64_t> counters(uint64_t& total) const;
  void reset_counters();

  void set_global_latency(int64_t ms);
  int add_latency(Scope scope, int64_t ms);
  void clear_latency();  // rules removed, global back to the start-up value
  int64_t latency_ms(std::string_view method, std::string_view path,
                     std::string_view route_key) const;
  int64_t global_latency_ms() const;
  std::vector<LatencyRule> latency_rules() const;

  int add_fault(FaultSpec spec);
  bool remove_fault(int id);
  void clear_faults();
  FaultDecision decide(std::string_view method, std::string_view path, std::string_view route_key);
  std::vector<FaultState> faults() const;

  void set_starting(bool on, int retry_after_s);
  bool starting(int& retry_after_s) const;

  // Counters, latency, faults and starting mode back to start-up values.
  void reset();

 private:
  struct Rule {
    FaultState state;
    std::mt19937_64 rng;
  };
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> counts_;
  uint64_t total_ = 0;
  int64_t default_global_ms_;
  int64_t global_ms_;
  std::vector<LatencyRule> latency_;
  std::vector<Rule> faults_;
  int next_id_ = 1;
  bool starting_ = false;
  int starting_retry_after_ = -1;
};

}  // namespace jb::standin
