// match.cpp — see match.h.
#include "sync-worker/match.h"

#include <algorithm>
#include <cstdio>

#include "common/core/text.h"

namespace jb::worker {

namespace {

void add_unique(std::vector<std::string>& v, const std::string& id) {
  if (std::find(v.begin(), v.end(), id) == v.end()) v.push_back(id);
}

void union_into(std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const auto& x : b) add_unique(a, x);
  std::sort(a.begin(), a.end());
}

std::optional<int64_t> later(const std::optional<int64_t>& a, const std::optional<int64_t>& b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}

}  // namespace

std::vector<std::string> series_needed(const std::vector<jf::Item>& items) {
  std::set<std::string> ids;
  for (const auto& it : items)
    if (it.type == "Episode" && !it.series_id.empty()) ids.insert(it.series_id);
  return {ids.begin(), ids.end()};
}

canon::ProviderIds series_ids_from_keys(const std::vector<std::string>& keys) {
  canon::ProviderIds ids;
  for (const auto& k : keys) {
    auto key = canon::from_text(k);
    if (!key || key->kind != canon::Kind::series) continue;
    if (key->provider == 'i')
      ids.imdb = key->id;
    else if (key->provider == 'm')
      ids.tmdb = key->id;
    else if (key->provider == 'v')
      ids.tvdb = key->id;
  }
  return ids;
}

std::vector<canon::ItemKeys> page_keys(
    const std::vector<jf::Item>& items,
    const std::map<std::string, canon::ProviderIds>& series_ids) {
  std::vector<canon::ItemKeys> out;
  out.reserve(items.size());
  for (const auto& it : items) {
    const canon::ProviderIds* s = nullptr;
    if (it.type == "Episode") {
      auto f = series_ids.find(it.series_id);
      if (f != series_ids.end()) s = &f->second;
    }
    out.push_back(canon::keys_for(it, s));
  }
  return out;
}

std::vector<std::string> lookup_keys(const std::vector<canon::ItemKeys>& keys) {
  std::set<std::string> all;
  for (const auto& k : keys)
    for (const auto& key : k.keys) all.insert(canon::to_text(key));
  return {all.begin(), all.end()};
}

sync::State state_of(const jf::Item& item) {
  sync::State s;
  s.runtime_ticks = item.run_time_ticks;
  if (item.user_data) {
    s.favorite = item.user_data->favorite;
    s.played = item.user_data->played;
    s.position_ticks = item.user_data->position_ticks;
    s.play_count = item.user_data->play_count;
    s.last_played_us = item.user_data->last_played_us;
  }
  return s;
}

std::string display_name(const jf::Item& item) {
  if (item.type == "Episode") {
    char se[48] = "";
    if (item.season_number && item.episode_number) {
      if (item.episode_end && *item.episode_end > *item.episode_number)
        std::snprintf(se, sizeof se, " S%02dE%02d-E%02d", *item.season_number, *item.episode_number,
                      *item.episode_end);
      else
        std::snprintf(se, sizeof se, " S%02dE%02d", *item.season_number, *item.episode_number);
    }
    return item.series_name + se + (item.name.empty() ? "" : " · " + item.name);
  }
  if (item.production_year) return item.name + " (" + std::to_string(*item.production_year) + ")";
  return item.name;
}

void merge_entries(sync::SideEntry& a, const sync::SideEntry& b) {
  a.state.favorite = a.state.favorite || b.state.favorite;
  a.state.played = a.state.played || b.state.played;
  a.state.position_ticks = std::max(a.state.position_ticks, b.state.position_ticks);
  a.state.runtime_ticks = std::max(a.state.runtime_ticks, b.state.runtime_ticks);
  a.state.play_count = std::max(a.state.play_count, b.state.play_count);
  a.state.last_played_us = later(a.state.last_played_us, b.state.last_played_us);
  union_into(a.own_ids, b.own_ids);
  union_into(a.other_ids, b.other_ids);
  if (a.name.empty()) a.name = b.name;
}

PageGroups group_page(const GroupInput& in) {
  PageGroups out;
  const auto& items = *in.items;
  const auto& keys = *in.keys;
  // The other side's items holding a key, within the pair's libraries.
  auto refs_of = [&](const std::string& key) {
    std::vector<std::string> ids;
    if (!in.other) return ids;
    auto f = in.other->find(key);
    if (f == in.other->end()) return ids;
    for (const auto& ref : f->second)
      if (in.other_libraries.empty() || in.other_libraries.count(ref.library_id))
        add_unique(ids, ref.id);
    return ids;
  };
  for (size_t i = 0; i < items.size() && i < keys.size(); ++i) {
    const jf::Item& item = items[i];
    std::string name = display_name(item);
    if (keys[i].keys.empty()) {
      out.unmatched.push_back({item.id, name, keys[i].unmatched_reason});
      continue;
    }
    // Partition the keys: one part per spanned episode (series-episode keys), one for the rest.
    std::map<std::pair<int, int>, std::vector<std::string>> parts;
    for (const auto& k : keys[i].keys) {
      auto part = k.kind == canon::Kind::series_episode ? std::make_pair(k.season, k.episode)
                                                        : std::make_pair(-1, -1);
      parts[part].push_back(canon::to_text(k));
    }
    bool any = false;
    auto add_group = [&](const std::vector<std::string>& part_keys) {
      std::string group;
      std::vector<std::string> other;
      for (const auto& k : part_keys) {
        auto ids = refs_of(k);
        if (ids.empty()) continue;
        if (group.empty() || k < group) group = k;
        for (const auto& id : ids) add_unique(other, id);
      }
      if (group.empty()) return false;
      std::sort(other.begin(), other.end());
      sync::SideEntry e;
      e.state = state_of(item);
      e.own_ids = {item.id};
      e.other_ids = std::move(other);
      e.name = name;
      auto [it, added] = out.groups.emplace(group, e);
      if (!added) merge_entries(it->second, e);
      return true;
    };
    for (const auto& [part, part_keys] : parts)
      if (part.first >= 0) any = add_group(part_keys) || any;
    // An episode's own ids count only when no series-episode key matched (they name the same episode).
    if (!any && parts.count({-1, -1})) any = add_group(parts[{-1, -1}]);
    if (!any)
      out.unmatched.push_back(
          {item.id, name, "not found in the " + in.other_side_name + "'s libraries"});
  }
  return out;
}

}  // namespace jb::worker
