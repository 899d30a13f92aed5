// match.h — turns one page of a side's user-data listing into match groups,
// with pure functions so that every matching rule is unit-tested.
//
// A group is the set of items on both sides that share a canonical key
// (common/canonical.h); it is named by its smallest target item id, so that a
// source scan and a target scan name it the same way:
//   • a source item's group: the target items its keys find in the target
//     index (within the pair's target libraries);
//   • a target item's group: the target items its keys find in its own index
//     (its duplicates, such as a 4K copy), and itself.
// Duplicates on one side therefore merge into one group (see merge_entries):
// favorite/played if any copy is, the furthest position, the latest date.
// An item without keys, or whose keys the other side does not hold, is
// reported as unmatched with its reason — never guessed.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/canonical.h"
#include "common/jf_items.h"
#include "common/sync_model.h"
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
  bool target_side = false;
  const std::vector<jf::Item>* items = nullptr;
  const std::vector<canon::ItemKeys>* keys = nullptr;
  // Lookups of the page's keys in the other side's index and (target side) the own index.
  const std::map<std::string, std::vector<ItemRef>>* other = nullptr;
  const std::map<std::string, std::vector<ItemRef>>* own = nullptr;
  std::set<std::string> other_libraries, own_libraries;  // the pair's libraries on each side
  std::string other_side_name;                            // "target" or "source", for reasons
};

PageGroups group_page(const GroupInput& in);

// The user data of a listed item as a sync State.
sync::State state_of(const jf::Item& item);
// "Series S01E02 · Name" for episodes, "Name (Year)" otherwise.
std::string display_name(const jf::Item& item);
// Merges b into a (duplicates of one title on one side).
void merge_entries(sync::SideEntry& a, const sync::SideEntry& b);

}  // namespace jb::worker
