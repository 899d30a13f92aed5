// model.h — the shared data model of sync pairs and runs, used by
// auth-service (the API) and the sync workers: the Pair (validated from API
// JSON, stored in Redis, shown as JSON), run records, and the compact
// encodings of per-item states and baselines kept in Redis during a run.
//
// Redis keys (all under jb:):
//   jb:pair:<id>                 hash  owner, json (the pair)
//   jb:user:<uid>:pairs          set   the user's pair ids
//   jb:pairs:scheduled           zset  pair id → next scheduled run (ms)
//   jb:pair:<id>:runs            zset  run id → created (ms)
//   jb:pair:<id>:base:<feature>  hash  group → baseline
//   jb:pair:<id>:fails           hash  <feature>:<group> → consecutive failed runs (3 = quarantined)
//   jb:run:<id>                  hash  run record (state, phase, counters c:<feature>:<kind>, …)
//   jb:run:<id>:<feature>:S|T    hash  group → source/target SideEntry (during the run); a group is
//                                      named by a canonical key (sync-worker/match.h)
//   jb:run:<id>:<feature>:A      hash  group → the agreed baseline if the run succeeds
//   jb:run:<id>:items            list  per-item decisions (JSON), in order
//   jb:run:<id>:plan             list  planned writes (JSON), index = plan position
//   jb:run:<id>:out              hash  plan position → outcome (JSON)
//   jb:budget:<server id>        zset  holders of the per-server concurrency budget
//
// Thread-safety: pure functions and plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/core/result.h"
#include "common/sync/types.h"

namespace jb::sync {

struct Pair {
  std::string id, owner, name;
  std::string source, target;  // connection ids
  bool two_way = false;
  FeatureConfig watchlist, history, progress;
  std::vector<std::string> source_libraries, target_libraries;  // override; empty = the whitelist
  int64_t every_minutes = 0;                                    // 0 = manual
  bool dry_run = false;
  int64_t created_ms = 0;

  const FeatureConfig& feature(Feature f) const;
  std::vector<Feature> enabled() const;
};

constexpr int64_t kMinScheduleMinutes = 15;

// Validates a create (existing == nullptr) or PATCH body. `own_connections`
// are the caller's connection ids. Errors: 400 "invalid_request" with every
// field problem listed (json::Fields).
Result<Pair> pair_from_json(const json::Value& body, const Pair* existing,
                            const std::vector<std::string>& own_connections,
                            json::Fields& problems);
std::string pair_to_json(const Pair& p, const std::string& extra_members = "");
Result<Pair> pair_from_stored(const std::string& stored_json);

// Run record states and phases.
namespace run_state {
constexpr const char* queued = "queued";
constexpr const char* running = "running";
constexpr const char* succeeded = "succeeded";
constexpr const char* failed = "failed";
constexpr const char* held = "held";
}  // namespace run_state

// One side's view of a match group during a run: its merged state, its own
// item ids (duplicates such as 4K and 1080p copies), the other side's matching
// ids and a display name.
// Encoded "F|P|pos|runtime|count|date|own,own|other,other|name".
struct SideEntry {
  State state;
  std::vector<std::string> own_ids, other_ids;
  std::string name;
};
std::string encode_entry(const SideEntry& e);
bool decode_entry(const std::string& v, SideEntry& e);
// "present|date|pos" ↔ Baseline.
std::string encode_baseline(const Baseline& b);
bool decode_baseline(const std::string& v, Baseline& b);

// Redis key helpers.
std::string pair_key(const std::string& id);
std::string run_key(const std::string& id);
std::string run_feature_key(const std::string& run, Feature f, char which);  // S, T or A
std::string baseline_key(const std::string& pair, Feature f);

}  // namespace jb::sync
