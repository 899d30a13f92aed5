// writes.cpp — see writes.h.
#include "sync-worker/writes.h"

#include <cstdlib>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::worker {

namespace {

std::string user_data_path(const std::string& item, const std::string& user) {
  return "/UserItems/" + text::url_encode(item) + "/UserData?userId=" + text::url_encode(user);
}

bool same_second(const std::optional<int64_t>& want, const std::optional<int64_t>& seen) {
  if (!want) return true;  // nothing asked for
  return seen && std::llabs(*want - *seen) < 1'000'000;
}

}  // namespace

HttpWrite to_request(const PlannedWrite& w, const std::string& item, const std::string& user) {
  using sync::Action;
  std::string q = "?userId=" + text::url_encode(user);
  json::Writer b;
  switch (w.action) {
    case Action::favorite:
      return {"POST", "/UserFavoriteItems/" + text::url_encode(item) + q, ""};
    case Action::unfavorite:
      return {"DELETE", "/UserFavoriteItems/" + text::url_encode(item) + q, ""};
    case Action::unplayed:
      return {"DELETE", "/UserPlayedItems/" + text::url_encode(item) + q, ""};
    case Action::played:
      b.begin_object()
          .kv("Played", true)
          .kv("PlayCount", std::max<int64_t>(1, w.play_count))
          .kv("PlaybackPositionTicks", int64_t{0});
      if (w.last_played_us) b.kv("LastPlayedDate", timeutil::format_rfc3339(*w.last_played_us));
      b.end_object();
      break;
    case Action::set_last_played:
      b.begin_object();
      if (w.last_played_us) b.kv("LastPlayedDate", timeutil::format_rfc3339(*w.last_played_us));
      b.end_object();
      break;
    case Action::set_position:
      b.begin_object().kv("PlaybackPositionTicks", w.position_ticks);
      if (w.last_played_us) b.kv("LastPlayedDate", timeutil::format_rfc3339(*w.last_played_us));
      b.end_object();
      break;
    case Action::clear_position:
      b.begin_object().kv("PlaybackPositionTicks", int64_t{0}).end_object();
      break;
  }
  return {"POST", user_data_path(item, user), b.str()};
}

std::vector<HttpWrite> to_requests(const PlannedWrite& w, const std::string& item,
                                   const std::string& user) {
  std::vector<HttpWrite> out;
  if (w.action == sync::Action::played && !w.last_played_us) {
    PlannedWrite clear = w;
    clear.action = sync::Action::unplayed;
    out.push_back(to_request(clear, item, user));
  }
  out.push_back(to_request(w, item, user));
  return out;
}

bool in_effect(const PlannedWrite& w, const jf::UserData& seen) {
  using sync::Action;
  switch (w.action) {
    case Action::favorite:
      return seen.favorite;
    case Action::unfavorite:
      return !seen.favorite;
    case Action::unplayed:
      return !seen.played;
    case Action::played:
      return seen.played && same_second(w.last_played_us, seen.last_played_us);
    case Action::set_last_played:
      return same_second(w.last_played_us, seen.last_played_us);
    case Action::set_position:
      return seen.position_ticks == w.position_ticks &&
             same_second(w.last_played_us, seen.last_played_us);
    case Action::clear_position:
      return seen.position_ticks == 0;
  }
  return false;
}

}  // namespace jb::worker
