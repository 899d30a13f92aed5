// user_data.cpp — see user_data.h.
#include "tests/standin/user_data.h"

namespace jb::standin {

const UserData* find_row(const User& u, uint32_t idx) {
  auto it = u.data.find(idx);
  return it == u.data.end() ? nullptr : &it->second;
}

namespace {

bool computes_from_children(ItemKind k) {
  return k == ItemKind::kSeries || k == ItemKind::kSeason;
}

}  // namespace

UserDataView view_user_data(const State& s, const User& u, uint32_t idx,
                            std::optional<int32_t> recursive_count) {
  UserDataView v;
  if (const UserData* r = find_row(u, idx)) {
    v.row = *r;
    v.has_row = true;
  }
  const Item& it = s.cat.items[idx];
  v.played = v.row.played;
  if (computes_from_children(it.kind)) {
    int32_t unplayed = 0;
    for (uint32_t e : s.playable_descendants(idx)) {
      const UserData* r = find_row(u, e);
      if (!r || !r->played) ++unplayed;
    }
    v.unplayed_count = unplayed;
    if (recursive_count && *recursive_count > 0) {
      double unplayed_pct = static_cast<double>(unplayed) / *recursive_count * 100.0;
      v.played_percentage = 100.0 - unplayed_pct;
      v.played = *v.played_percentage >= 100.0;
    } else {
      v.played = unplayed == 0;
    }
  } else if (v.row.position_ticks > 0 && it.run_time_ticks > 0) {
    v.played_percentage =
        100.0 * static_cast<double>(v.row.position_ticks) / static_cast<double>(it.run_time_ticks);
  }
  return v;
}

bool effective_played(const State& s, const User& u, uint32_t idx) {
  const Item& it = s.cat.items[idx];
  if (computes_from_children(it.kind)) {
    for (uint32_t e : s.playable_descendants(idx)) {
      const UserData* r = find_row(u, e);
      if (!r || !r->played) return false;
    }
    return true;
  }
  const UserData* r = find_row(u, idx);
  return r && r->played;
}

namespace {

void mark_played_leaf(User& u, uint32_t idx, std::optional<int64_t> date_played, int64_t now_us) {
  UserData& d = u.data[idx];
  if (date_played) d.play_count++;
  if (d.play_count < 1) d.play_count = 1;
  d.position_ticks = 0;
  if (date_played)
    d.last_played = *date_played;
  else if (d.last_played == kNoDate)
    d.last_played = now_us;
  d.played = true;
}

void mark_unplayed_leaf(User& u, uint32_t idx) {
  UserData& d = u.data[idx];
  d.position_ticks = 0;
  d.play_count = 0;
  d.played = false;
  d.last_played = kNoDate;
}

}  // namespace

void mark_played(State& s, User& u, uint32_t idx, std::optional<int64_t> date_played,
                 int64_t now_us) {
  if (computes_from_children(s.cat.items[idx].kind)) {
    for (uint32_t e : s.playable_descendants(idx)) mark_played_leaf(u, e, date_played, now_us);
    return;
  }
  mark_played_leaf(u, idx, date_played, now_us);
}

void mark_unplayed(State& s, User& u, uint32_t idx) {
  if (computes_from_children(s.cat.items[idx].kind)) {
    for (uint32_t e : s.playable_descendants(idx)) mark_unplayed_leaf(u, e);
    return;
  }
  mark_unplayed_leaf(u, idx);
}

void set_favorite(User& u, uint32_t idx, bool favorite) {
  u.data[idx].favorite = favorite;
}

void apply_update(User& u, uint32_t idx, const UserDataUpdate& up) {
  UserData& d = u.data[idx];
  if (up.position_ticks) d.position_ticks = *up.position_ticks;
  if (up.play_count) d.play_count = *up.play_count;
  if (up.favorite) d.favorite = *up.favorite;
  if (up.likes) d.likes = *up.likes;
  if (up.played) d.played = *up.played;
  if (up.last_played) d.last_played = *up.last_played;
  if (up.rating) d.rating = *up.rating;
}

int32_t recursive_item_count(const State& s, uint32_t idx) {
  const Item& it = s.cat.items[idx];
  if (it.kind == ItemKind::kSeries || it.kind == ItemKind::kSeason)
    return static_cast<int32_t>(s.playable_descendants(idx).size());
  if (it.kind == ItemKind::kCollectionFolder || it.kind == ItemKind::kFolder) {
    int32_t n = 0;
    for (const Item& x : s.cat.items)
      if (x.alive && x.library == it.library && !is_folder(x.kind)) ++n;
    return n;
  }
  return 0;
}

int32_t child_count(const State& s, uint32_t idx) {
  const Item& it = s.cat.items[idx];
  if (it.kind == ItemKind::kSeries || it.kind == ItemKind::kSeason)
    return static_cast<int32_t>(s.children(idx).size());
  if (it.kind == ItemKind::kCollectionFolder || it.kind == ItemKind::kFolder) {
    uint32_t folder = s.cat.libraries[it.library].folder_item;
    int32_t n = 0;
    for (const Item& x : s.cat.items)
      if (x.alive && x.parent == folder) ++n;
    return n;
  }
  return 0;
}

}  // namespace jb::standin
