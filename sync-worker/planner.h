// planner.h — what one sync run should write for one item, per feature: pure
// functions, no I/O, so every rule is unit-tested without servers.
//
// Features:
//   watchlist — Jellyfin favorites;
//   history   — played + LastPlayedDate (and unplayed when removals are on);
//   progress  — PlaybackPositionTicks + LastPlayedDate. Positions under 60 s
//               are ignored, items at or over 95 % are left to history, only
//               changes of at least 30 s are written, and an item the target
//               user is playing right now is never touched.
// Modes: one-way (source → target) and two-way.
// Removals (unfavorite, unplayed, cleared progress) are detected against the
// pair's baseline (the state both sides agreed on after the last successful
// run): an item present at the baseline and gone on one side now was removed
// there. Items without a baseline entry (the first run: the bootstrap) never
// produce removals. Conflicts: the newer LastPlayedDate wins when the dates
// differ by more than the tolerance; otherwise (or without dates) the source
// wins, deterministically. All times are UTC microseconds.
// After a successful run both sides agree, so the next run decides nothing
// (no ping-pong).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/sync/types.h"

namespace jb::sync {

struct Rules {
  int64_t min_position_ticks = 60LL * 10'000'000;  // 60 s
  int64_t min_change_ticks = 30LL * 10'000'000;    // 30 s
  int complete_percent = 95;
  int64_t date_tolerance_us = 60LL * 1'000'000;  // 60 s
};

// Whether an item "counts" for a feature on one side (is in its list).
bool present(Feature f, const State& s, const Rules& r);

enum class Side { source, target };
enum class Action {
  favorite,
  unfavorite,
  played,
  unplayed,
  set_last_played,
  set_position,
  clear_position
};
const char* action_name(Action a);

struct Write {
  Side side = Side::target;
  Action action = Action::favorite;
  int64_t position_ticks = 0;
  std::optional<int64_t> last_played_us;
  bool removal = false;
};

struct Decision {
  std::vector<Write> writes;
  std::string skip;  // why nothing is written when something differs ("" = in agreement)
  // The state both sides should agree on afterwards (the next baseline).
  Baseline agreed;
};

struct Inputs {
  Feature feature = Feature::watchlist;
  bool two_way = false;
  FeatureConfig config;
  State source, target;
  std::optional<Baseline> baseline;
  bool target_playing_now = false;
  bool source_playing_now = false;
};

Decision decide(const Inputs& in, const Rules& rules = {});

}  // namespace jb::sync
