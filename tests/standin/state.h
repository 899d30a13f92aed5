// state.h — the live server state: the Catalog plus what a running Jellyfin
// keeps beside it (access tokens/devices, Quick Connect requests, password
// reset PINs, "playing now" sessions), and the indexes queries need (id →
// item, items pre-sorted by SortName/DateCreated/PremiereDate, children of
// series and seasons). Mutating functions keep the indexes consistent.
//
// Thread-safety: none; a State is only touched through Store (store.h), which
// serialises writers and lets readers share.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/core/result.h"
#include "tests/standin/model.h"

namespace jb::standin {

// An access token and the device it was issued to (Jellyfin's Devices table).
struct Device {
  std::string token;
  Guid user_id;
  std::string device_id, device_name, app_name, app_version;
  int64_t date_created = kNoDate;
  int64_t date_last_activity = kNoDate;
  Guid session_id;
};

struct QcRequest {
  std::string secret, code, device_id, device_name, app_name, app_version;
  int64_t date_added = kNoDate;
  bool authenticated = false;
};

struct QcAuthorized {
  std::string result_json;  // the AuthenticationResult created at approval
  int64_t authorized_at = kNoDate;
};

struct ResetPin {
  std::string pin;  // "AB-CD-EF-12"
  Guid user_id;
  int64_t expires = kNoDate;
  std::string file;
};

// A session marked as playing an item by the test-control API.
struct PlayingSession {
  Guid session_id;
  Guid user_id;
  uint32_t item = kNone;
  int64_t position_ticks = 0;
  bool paused = false;
  std::string device_id, device_name, client, version;
  int64_t started = kNoDate;
};

enum class SortKey { kSortName, kDateCreated, kPremiereDate };

// Results of recent index scans (the ordered item list of a query shape), so
// walking /Items page by page does not rescan the library for every page.
// Entries are tagged with the State's index version and dropped when the
// items change. Thread-safety: its own mutex (readers share the State).
class ScanCache {
 public:
  using List = std::shared_ptr<const std::vector<uint32_t>>;
  List get(const std::string& key, uint64_t version);
  void put(const std::string& key, uint64_t version, List list);

 private:
  struct Entry {
    uint64_t version;
    uint64_t used;
    List list;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
  uint64_t clock_ = 0;
};

// One pre-sorted view of the alive items. `meta` packs what most /Items
// filters need (kind, library, top level) in scan order, so a query over
// 200,000 items reads 800 KB sequentially instead of chasing every Item.
struct SortedIndex {
  std::vector<uint32_t> order;  // item indexes
  std::vector<uint32_t> meta;   // parallel to order, see meta_* below
  std::vector<uint32_t> rank;   // item index → position in order (kNone if not alive)

  static uint32_t pack(ItemKind k, uint32_t library, bool top_level) {
    return static_cast<uint32_t>(k) | (std::min<uint32_t>(library, 0xFFFF) << 8) |
           (top_level ? 1u << 24 : 0u);
  }
  static ItemKind meta_kind(uint32_t m) { return static_cast<ItemKind>(m & 0xFF); }
  static uint32_t meta_library(uint32_t m) { return (m >> 8) & 0xFFFF; }
  static bool meta_top_level(uint32_t m) { return (m >> 24) & 1u; }
};

class State {
 public:
  Catalog cat;
  std::unordered_map<std::string, Device> tokens;
  std::map<std::string, QcRequest> qc_pending;        // by secret
  std::map<std::string, QcAuthorized> qc_authorized;  // by secret
  std::vector<ResetPin> pins;
  std::vector<PlayingSession> playing;
  // Where the content came from (describe_source(): "seed <file>",
  // "generate <spec>"); a state file records it as "Source".
  std::string source;

  State() = default;
  explicit State(Catalog c) : cat(std::move(c)) { rebuild_indexes(); }

  void rebuild_indexes();
  uint64_t index_version() const { return index_version_; }
  ScanCache& scan_cache() const { return *scan_cache_; }

  // Alive item index by id, or kNone.
  uint32_t find_item(const Guid& id) const;
  User* user(const Guid& id);
  const User* user(const Guid& id) const;
  User* user_by_name(std::string_view name);  // case-insensitive
  const ApiKey* api_key(std::string_view token) const;
  int library_of_item_id(
      const Guid& id) const;  // library index whose CollectionFolder has this id, or -1

  const std::vector<uint32_t>& sorted_by(SortKey k) const { return index(k).order; }
  const SortedIndex& index(SortKey k) const;
  // Alive direct children of a series (seasons) or season (episodes), in
  // season/episode order.
  const std::vector<uint32_t>& children(uint32_t idx) const;
  // Alive playable descendants (episodes) of a series or season.
  std::vector<uint32_t> playable_descendants(uint32_t idx) const;

  bool library_visible(const User& u, uint32_t library) const;
  bool item_visible(const User& u, uint32_t idx) const {
    return library_visible(u, cat.items[idx].library);
  }

  // Removes an item, its descendants, their user data and playing entries.
  void remove_item(uint32_t idx);
  // Deletes every token of a user except `keep` (Jellyfin RevokeUserTokens).
  void revoke_user_tokens(const Guid& user_id, std::string_view keep);

 private:
  std::vector<std::pair<Guid, uint32_t>> id_index_;  // sorted by Guid
  SortedIndex by_sort_name_, by_date_created_, by_premiere_;
  std::unordered_map<uint32_t, std::vector<uint32_t>> children_;
  uint64_t index_version_ = 0;
  std::shared_ptr<ScanCache> scan_cache_ = std::make_shared<ScanCache>();
  std::vector<uint32_t> no_children_;
};

}  // namespace jb::standin
