// match.h — turns one page of a side's user-data listing into match groups,
// with pure functions so that every matching rule is unit-tested.
//
// A group is named by a canonical key (common/jellyfin/canonical.h) that both sides
// compute the same way from their own item and the other side's index:
//   • a film or series: the smallest of its keys the other side also holds;
//   • an episode: one group per episode it spans (a two-episode file is in
//     two groups), named by the smallest series-episode key of that episode
//     the other side holds (else its own episode ids').
// Both scans therefore agree on group names without talking to each other,
// and baselines keyed by them survive the servers renumbering their items.
// Duplicates on one side (4K and 1080p copies) land in the same group and
// merge (see merge_entries): favorite/played if any copy is, the furthest
// position, the latest date; writes go to every copy.
// Known limit: copies on one side whose provider ids differ (a 4K copy with
// imdb+tmdb, a 1080p copy with tmdb only) can land in two groups; the
// states still converge (two-way: within two runs), nothing is lost.
// An item without keys, or whose keys the other side does not hold within
// the pair's libraries, is reported as unmatched with its reason — never
// guessed.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/jellyfin/canonical.h"
#include "common/jellyfin/items.h"
#include "common/sync/model.h"
#include "sync-worker/library_client.h"

namespace jb::worker {

// The series ids a page's episodes need keys for.
std::vector<std::string> series_needed(const std::vector<jf::Item>& items);

// A series' ProviderIds rebuilt from its text keys ("series:tvdb:81189", …).
canon::ProviderIds series_ids_from_keys(const std::vector<std::string>& keys);

// Canonical keys (text form) of each item, in order.
std::vector<canon::ItemKeys> page_keys(const std::vector<jf::Item>& items,
                                       const std::map<std::string, canon::ProviderIds>& series_ids);

// Every distinct key text of a page (what to look up).
std::vector<std::string> lookup_keys(const std::vector<canon::ItemKeys>& keys);

struct Unmatched {
  std::string item_id, name, reason;
};

struct PageGroups {
  std::map<std::string, sync::SideEntry> groups;  // group id → entry
  std::vector<Unmatched> unmatched;
};

struct GroupInput {
  const std::vector<jf::Item>* items = nullptr;
  const std::vector<canon::ItemKeys>* keys = nullptr;
  // The page's keys looked up in the other side's index.
  const std::map<std::string, std::vector<ItemRef>>* other = nullptr;
  std::set<std::string> other_libraries;  // the pair's libraries on the other side (empty = any)
  std::string other_side_name;            // "target" or "source", for reasons
};

PageGroups group_page(const GroupInput& in);

// The user data of a listed item as a sync State.
sync::State state_of(const jf::Item& item);
// "Series S01E02 · Name" for episodes, "Name (Year)" otherwise.
std::string display_name(const jf::Item& item);
// Merges b into a (duplicates of one title on one side).
void merge_entries(sync::SideEntry& a, const sync::SideEntry& b);

}  // namespace jb::worker
