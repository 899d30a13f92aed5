// writes.h — how one planned write becomes one Jellyfin request, and how a
// batch read proves it took effect. Pure functions.
//
// Every request is absolute, so a redelivered or repeated write changes
// nothing (at-least-once delivery, exactly-once effect), and uses the current
// routes (API-NOTES §6.4):
//   favorite / unfavorite   POST / DELETE /UserFavoriteItems/{id}?userId=
//   unplayed                DELETE /UserPlayedItems/{id}?userId=  (count, position, date cleared)
//   played                  POST /UserItems/{id}/UserData?userId=  {Played, PlayCount, PlaybackPositionTicks: 0, LastPlayedDate}
//                           (not POST /UserPlayedItems: with a date it increments PlayCount, so a repeat would count twice);
//                           without a date, DELETE /UserPlayedItems first, so no stale date of the target's survives
//                           (it would come back as a "newer play" next run)
//   set_last_played         POST /UserItems/{id}/UserData  {LastPlayedDate}
//   set_position            POST /UserItems/{id}/UserData  {PlaybackPositionTicks, LastPlayedDate}
//   clear_position          POST /UserItems/{id}/UserData  {PlaybackPositionTicks: 0}
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/jellyfin/items.h"
#include "sync-worker/planner.h"

namespace jb::worker {

struct PlannedWrite {
  sync::Action action = sync::Action::favorite;
  int64_t position_ticks = 0;
  std::optional<int64_t> last_played_us;
  int64_t play_count = 0;  // the other side's count, for "played"
};

struct HttpWrite {
  std::string method, path, body;
};

HttpWrite to_request(const PlannedWrite& w, const std::string& item_id, const std::string& user_id);
// Every request of the write, in order (one, or two for a dateless "played").
std::vector<HttpWrite> to_requests(const PlannedWrite& w, const std::string& item_id,
                                   const std::string& user_id);

// Whether the user data read back shows the write in effect. Dates compare to
// the second (servers store them with varying precision).
bool in_effect(const PlannedWrite& w, const jf::UserData& seen);

}  // namespace jb::worker
