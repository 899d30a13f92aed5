// state.cpp — see state.h.
#include "tests/standin/state.h"

#include <algorithm>
#include <numeric>

#include "common/core/text.h"

namespace jb::standin {

ScanCache::List ScanCache::get(const std::string& key, uint64_t version) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.version != version) return nullptr;
  it->second.used = ++clock_;
  return it->second.list;
}

void ScanCache::put(const std::string& key, uint64_t version, List list) {
  constexpr size_t kMaxEntries = 16;
  std::lock_guard lock(mu_);
  std::erase_if(entries_, [&](const auto& kv) { return kv.second.version != version; });
  if (entries_.size() >= kMaxEntries) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->second.used < oldest->second.used) oldest = it;
    entries_.erase(oldest);
  }
  entries_[key] = Entry{version, ++clock_, std::move(list)};
}

void State::rebuild_indexes() {
  ++index_version_;
  const auto& items = cat.items;
  id_index_.clear();
  id_index_.reserve(items.size());
  std::vector<uint32_t> alive;
  alive.reserve(items.size());
  for (uint32_t i = 0; i < items.size(); ++i) {
    if (!items[i].alive) continue;
    id_index_.emplace_back(items[i].id, i);
    alive.push_back(i);
  }
  std::sort(id_index_.begin(), id_index_.end());

  // SortName order: precompute keys once, then sort indexes.
  {
    std::vector<std::string> keys(items.size());
    for (uint32_t i : alive) keys[i] = make_sort_name(cat, items[i]);
    by_sort_name_.order = alive;
    std::stable_sort(by_sort_name_.order.begin(), by_sort_name_.order.end(),
                     [&](uint32_t a, uint32_t b) { return keys[a] < keys[b]; });
  }
  by_date_created_.order = alive;
  std::stable_sort(
      by_date_created_.order.begin(), by_date_created_.order.end(),
      [&](uint32_t a, uint32_t b) { return items[a].date_created < items[b].date_created; });
  by_premiere_.order = alive;
  std::stable_sort(
      by_premiere_.order.begin(), by_premiere_.order.end(),
      [&](uint32_t a, uint32_t b) { return items[a].premiere_date < items[b].premiere_date; });
  for (SortedIndex* ix : {&by_sort_name_, &by_date_created_, &by_premiere_}) {
    ix->meta.resize(ix->order.size());
    ix->rank.assign(items.size(), kNone);
    for (uint32_t k = 0; k < ix->order.size(); ++k) {
      const Item& it = items[ix->order[k]];
      bool top = it.parent != kNone && items[it.parent].kind == ItemKind::kFolder;
      ix->meta[k] = SortedIndex::pack(it.kind, it.library, top);
      ix->rank[ix->order[k]] = k;
    }
  }

  children_.clear();
  for (uint32_t i : alive) {
    const Item& it = items[i];
    if ((it.kind == ItemKind::kSeason || it.kind == ItemKind::kEpisode) && it.parent != kNone)
      children_[it.parent].push_back(i);
  }
  for (auto& [parent, kids] : children_) {
    std::stable_sort(kids.begin(), kids.end(), [&](uint32_t a, uint32_t b) {
      const Item& x = items[a];
      const Item& y = items[b];
      if (x.parent_index_number != y.parent_index_number)
        return x.parent_index_number < y.parent_index_number;
      return x.index_number < y.index_number;
    });
  }
}

uint32_t State::find_item(const Guid& id) const {
  auto it = std::lower_bound(id_index_.begin(), id_index_.end(), std::make_pair(id, uint32_t{0}),
                             [](const auto& a, const auto& b) { return a.first < b.first; });
  if (it == id_index_.end() || it->first != id) return kNone;
  return cat.items[it->second].alive ? it->second : kNone;
}

User* State::user(const Guid& id) {
  for (auto& u : cat.users)
    if (u.id == id) return &u;
  return nullptr;
}

const User* State::user(const Guid& id) const {
  for (const auto& u : cat.users)
    if (u.id == id) return &u;
  return nullptr;
}

User* State::user_by_name(std::string_view name) {
  for (auto& u : cat.users)
    if (text::iequals(u.name, name)) return &u;
  // Non-ASCII names: compare exactly (ToUpperInvariant is not modelled).
  for (auto& u : cat.users)
    if (u.name == name) return &u;
  return nullptr;
}

const ApiKey* State::api_key(std::string_view token) const {
  for (const auto& k : cat.api_keys)
    if (k.token == token) return &k;
  return nullptr;
}

int State::library_of_item_id(const Guid& id) const {
  for (size_t i = 0; i < cat.libraries.size(); ++i)
    if (cat.libraries[i].id == id) return static_cast<int>(i);
  return -1;
}

const SortedIndex& State::index(SortKey k) const {
  switch (k) {
    case SortKey::kDateCreated:
      return by_date_created_;
    case SortKey::kPremiereDate:
      return by_premiere_;
    case SortKey::kSortName:
      break;
  }
  return by_sort_name_;
}

const std::vector<uint32_t>& State::children(uint32_t idx) const {
  auto it = children_.find(idx);
  return it == children_.end() ? no_children_ : it->second;
}

std::vector<uint32_t> State::playable_descendants(uint32_t idx) const {
  std::vector<uint32_t> out;
  const Item& it = cat.items[idx];
  if (it.kind == ItemKind::kSeason) return children(idx);
  if (it.kind == ItemKind::kSeries) {
    for (uint32_t s : children(idx)) {
      if (cat.items[s].kind == ItemKind::kEpisode) {
        out.push_back(s);  // episode directly under a series (no season folder)
        continue;
      }
      const auto& eps = children(s);
      out.insert(out.end(), eps.begin(), eps.end());
    }
  }
  return out;
}

bool State::library_visible(const User& u, uint32_t library) const {
  if (library >= cat.libraries.size()) return false;
  if (u.policy.enable_all_folders) return true;
  const Guid& id = cat.libraries[library].id;
  return std::find(u.policy.enabled_folders.begin(), u.policy.enabled_folders.end(), id) !=
         u.policy.enabled_folders.end();
}

void State::remove_item(uint32_t idx) {
  if (idx >= cat.items.size() || !cat.items[idx].alive) return;
  std::vector<uint32_t> doomed{idx};
  for (size_t k = 0; k < doomed.size(); ++k) {
    for (uint32_t c : children(doomed[k])) doomed.push_back(c);
  }
  for (uint32_t d : doomed) {
    cat.items[d].alive = false;
    for (auto& u : cat.users) u.data.erase(d);
  }
  std::erase_if(playing, [&](const PlayingSession& p) {
    return std::find(doomed.begin(), doomed.end(), p.item) != doomed.end();
  });
  rebuild_indexes();
}

void State::revoke_user_tokens(const Guid& user_id, std::string_view keep) {
  std::erase_if(tokens,
                [&](const auto& kv) { return kv.second.user_id == user_id && kv.first != keep; });
}

}  // namespace jb::standin
