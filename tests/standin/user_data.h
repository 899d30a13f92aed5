// user_data.h — Jellyfin's per-user item data rules as pure functions over
// the State (API-NOTES §6.3–6.4, §10):
//   * mark played: Played=true; PlayCount+1 only when a date is given and at
//     least 1; position reset; LastPlayedDate = date ?? existing ?? now;
//     series/seasons recurse to their episodes (no row for the folder itself);
//   * mark unplayed: PlayCount=0, position 0, LastPlayedDate null, Played=false;
//   * favorite: only IsFavorite; update: partial, only non-null values applied;
//   * every mutation creates the row (this matters for isFavorite=false and
//     IsResumable filters, which only match existing rows);
//   * folders (Series, Season) report UnplayedItemCount and Played computed
//     from their episodes, PlayedPercentage only with RecursiveItemCount.
//
// Thread-safety: none; call under the Store's lock.
#pragma once

#include <optional>

#include "tests/standin/state.h"

namespace jb::standin {

struct UserDataView {
  UserData row;  // the stored row or defaults
  bool has_row = false;
  std::optional<int32_t> unplayed_count;  // folders
  std::optional<double> played_percentage;
  bool played = false;  // effective (computed for folders)
};

const UserData* find_row(const User& u, uint32_t idx);
// recursive_count: the item's RecursiveItemCount when that field was asked for.
UserDataView view_user_data(const State& s, const User& u, uint32_t idx,
                            std::optional<int32_t> recursive_count = std::nullopt);
// Effective played state for filters (folders: all episodes played).
bool effective_played(const State& s, const User& u, uint32_t idx);

void mark_played(State& s, User& u, uint32_t idx, std::optional<int64_t> date_played,
                 int64_t now_us);
void mark_unplayed(State& s, User& u, uint32_t idx);
void set_favorite(User& u, uint32_t idx, bool favorite);

struct UserDataUpdate {
  std::optional<int64_t> position_ticks;
  std::optional<int32_t> play_count;
  std::optional<bool> favorite, likes, played;
  std::optional<int64_t> last_played;
  std::optional<double> rating;
};
void apply_update(User& u, uint32_t idx, const UserDataUpdate& up);

// Number of playable descendants (RecursiveItemCount) of a folder item.
int32_t recursive_item_count(const State& s, uint32_t idx);
int32_t child_count(const State& s, uint32_t idx);

}  // namespace jb::standin
