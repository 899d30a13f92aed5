// records.h — the records a sync run keeps in Redis (keys in keys.h), each
// with its encoder and decoder, so the API and the workers read and write
// them one way:
//   RunRecord  the run hash: state, phase, counters per feature, timestamps,
//              the bookkeeping of the pipeline's steps (field names below);
//   RunItem    one per-item decision shown to the user (…:items, …:unmatched);
//   PlanEntry  one planned write the apply steps perform (…:plan);
//   Outcome    what became of a planned write (…:out).
// Encodings are compact JSON; decoding never throws and rejects what is not
// a record of its kind.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sync/types.h"

namespace jb::sync {

// Run record states.
namespace run_state {
constexpr const char* queued = "queued";
constexpr const char* running = "running";
constexpr const char* succeeded = "succeeded";
constexpr const char* failed = "failed";
constexpr const char* held = "held";
}  // namespace run_state

// Field names of the run hash that more than one module reads or writes.
namespace run_field {
constexpr const char* id = "id";
constexpr const char* pair = "pair";
constexpr const char* owner = "owner";
constexpr const char* state = "state";
constexpr const char* phase = "phase";
constexpr const char* trigger = "trigger";
constexpr const char* mode = "mode";
constexpr const char* dry_run = "dry_run";
constexpr const char* bootstrap = "bootstrap";
constexpr const char* created_ms = "created_ms";
constexpr const char* started_ms = "started_ms";
constexpr const char* finished_ms = "finished_ms";
// When the run entered each of these phases (a redelivered step moves it on).
constexpr const char* scan_ms = "scan_ms";
constexpr const char* diff_ms = "diff_ms";
constexpr const char* apply_ms = "apply_ms";
constexpr const char* confirmed_ms = "confirmed_ms";
constexpr const char* error = "error";
constexpr const char* held_reason = "held_reason";
constexpr const char* removals = "removals";
constexpr const char* plan_size = "plan_size";
}  // namespace run_field

// The counters kept per feature ("c:<feature>:<kind>"); "f:<feature>" marks a
// feature the run syncs.
constexpr const char* kCounterKinds[] = {"planned", "applied", "skipped", "failed", "unmatched"};
std::string counter_field(Feature f, std::string_view kind);
std::string feature_flag_field(Feature f);

struct RunRecord {
  std::map<std::string, std::string> fields;

  bool exists() const { return !fields.empty(); }
  const std::string& get(const std::string& field) const;  // "" when absent
  int64_t number(const std::string& field) const;          // 0 when absent or not a number
  const std::string& id() const { return get(run_field::id); }
  const std::string& pair_id() const { return get(run_field::pair); }
  const std::string& owner() const { return get(run_field::owner); }
  const std::string& state() const { return get(run_field::state); }
  const std::string& phase() const { return get(run_field::phase); }
  bool dry_run() const { return get(run_field::dry_run) == "1"; }
  bool terminal() const { return state() == run_state::succeeded || state() == run_state::failed; }
  bool syncs(Feature f) const { return fields.count(feature_flag_field(f)) > 0; }
  int64_t counter(Feature f, std::string_view kind) const { return number(counter_field(f, kind)); }
};

// The run as the API shows it (counters per synced feature, RFC 3339 times).
std::string run_to_json(const RunRecord& run);

struct RunItem {
  std::string feature, action, side, item, name, reason;
  bool removal = false;
  std::optional<int64_t> plan;  // its position in the plan, for planned writes
};
std::string encode_run_item(const RunItem& it);
std::optional<RunItem> decode_run_item(std::string_view json);

struct Outcome {
  std::string outcome;  // "applied" or "failed"
  std::string reason;
};
std::string encode_outcome(const Outcome& o);
std::optional<Outcome> decode_outcome(std::string_view json);

// A run item as the API shows it, with its outcome when it was a planned write
// that has one ("reason" is the item's, else the outcome's).
std::string run_item_to_json(const RunItem& it, const std::optional<Outcome>& outcome);

struct PlanEntry {
  std::string feature;           // feature name
  std::string group;             // the canonical key naming the match group
  std::string side;              // "source" or "target": the side written to
  std::string action;            // sync-worker/planner.h action name
  std::vector<std::string> ids;  // every item id of the group on that side
  int64_t position_ticks = 0;
  int64_t play_count = 0;  // the other side's count, for "played"
  std::optional<int64_t> last_played_us;
  std::string old_baseline;  // encode_baseline of the group's baseline before the run ("" = none)
  bool removal = false;
};
std::string encode_plan_entry(const PlanEntry& e);
// nullopt unless feature, side, action and at least one id are present.
std::optional<PlanEntry> decode_plan_entry(std::string_view json);

}  // namespace jb::sync
