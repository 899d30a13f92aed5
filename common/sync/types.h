// types.h — the vocabulary of sync shared by auth-service and the
// workers: features, per-feature switches, one side's user data for an item,
// and the baseline both sides agreed on after the last successful run.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace jb::sync {

enum class Feature { watchlist, history, progress };
const char* feature_name(Feature f);
bool parse_feature(const std::string& s, Feature& out);
constexpr Feature kFeatures[] = {Feature::watchlist, Feature::history, Feature::progress};

struct FeatureConfig {
  bool enabled = false;
  bool add = true;
  bool remove = false;  // off by default: deletions only when asked for
};

// One side's user data for one item.
struct State {
  bool favorite = false;
  bool played = false;
  int64_t position_ticks = 0;
  int64_t runtime_ticks = 0;  // 0 = unknown
  int64_t play_count = 0;
  std::optional<int64_t> last_played_us;
};

// The baseline of one item for one feature: what both sides agreed on.
struct Baseline {
  bool present = false;
  std::optional<int64_t> last_played_us;
  int64_t position_ticks = 0;
};

}  // namespace jb::sync
