// model.h — the shared data model of sync pairs and runs, used by
// auth-service (the API) and the sync workers: the Pair (validated from API
// JSON, stored in Redis, shown as JSON) and the compact encodings of
// per-item states and baselines kept in Redis during a run.
//
// Their Redis keys are in keys.h, the run's records in records.h.
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
#include "common/sync/keys.h"
#include "common/sync/records.h"
#include "common/sync/types.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* corrupt_pair = "corrupt_pair";  // a stored pair does not parse
}  // namespace jb::errc

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

}  // namespace jb::sync
