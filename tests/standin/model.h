// model.h — the stand-in's content model: libraries, items (Movie, Series,
// Season, Episode and the library folders), users with their policies and
// per-user item data, API keys. A Catalog is what a seed file or the
// generator produces and what a reset restores.
//
// Memory: the benchmark holds 200,000 items, so an Item is a fixed ~112-byte
// record whose strings live in one arena (StringArena) and whose ProviderIds
// are one packed string; relations are item indexes, not pointers.
//
// Thread-safety: plain data, no internal locking; the Store (store.h) guards
// the live copy.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tests/standin/guid.h"

namespace jb::standin {

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr int64_t kNoDate = std::numeric_limits<int64_t>::min();  // unix µs
constexpr int32_t kNoNumber = std::numeric_limits<int32_t>::min();

enum class ItemKind : uint8_t { kCollectionFolder, kFolder, kMovie, kSeries, kSeason, kEpisode };
constexpr int kItemKindCount = 6;

// Jellyfin's BaseItemKind name.
const char* kind_name(ItemKind k);
bool is_folder(ItemKind k);
// Parses the kinds the stand-in models (case-insensitive).
std::optional<ItemKind> parse_kind(std::string_view s);

struct StrRef {
  uint32_t off = 0;
  uint32_t len = 0;
};

// Append-only string storage; StrRefs stay valid until clear().
class StringArena {
 public:
  StrRef add(std::string_view s);
  std::string_view get(StrRef r) const { return std::string_view(data_).substr(r.off, r.len); }
  size_t bytes() const { return data_.size(); }
  void reserve(size_t n) { data_.reserve(n); }
  void shrink() { data_.shrink_to_fit(); }

 private:
  std::string data_;
};

// ProviderIds packed as "Key\x1fValue\x1eKey\x1fValue".
using ProviderIdList = std::vector<std::pair<std::string, std::string>>;
std::string pack_provider_ids(const ProviderIdList& ids);
ProviderIdList unpack_provider_ids(std::string_view packed);
// Case-insensitive key lookup (Jellyfin's dictionary is case-insensitive).
std::optional<std::string_view> find_provider_id(std::string_view packed, std::string_view key);

struct Item {
  Guid id;
  int64_t date_created = kNoDate;
  int64_t date_last_saved = kNoDate;
  int64_t premiere_date = kNoDate;
  int64_t run_time_ticks = -1;  // -1 = unknown
  StrRef name, path, provider_ids;
  uint32_t library = kNone;  // index into Catalog::libraries
  uint32_t parent =
      kNone;  // item index: library folder (movie, series), series (season), season (episode)
  uint32_t series = kNone;  // item index (season, episode)
  uint32_t season = kNone;  // item index (episode)
  int32_t production_year = kNoNumber;
  int32_t index_number = kNoNumber;
  int32_t parent_index_number = kNoNumber;
  int32_t index_number_end = kNoNumber;
  ItemKind kind = ItemKind::kMovie;
  bool alive = true;
};

struct Library {
  Guid id;         // the CollectionFolder id (= VirtualFolderInfo.ItemId)
  Guid folder_id;  // the physical folder id (= ParentId of its movies/series, API-NOTES §10)
  std::string name;
  std::string collection_type;  // CollectionTypeOptions value; "mixed" = omitted on the wire
  std::vector<std::string> locations;
  uint32_t item = kNone;         // index of the CollectionFolder item
  uint32_t folder_item = kNone;  // index of the physical Folder item
  int64_t date_created = kNoDate;
};

struct UserData {
  int64_t position_ticks = 0;
  int64_t last_played = kNoDate;
  std::optional<double> rating;
  int32_t play_count = 0;
  bool played = false;
  bool favorite = false;
  std::optional<bool> likes;
};

// The UserPolicy properties the stand-in acts on are typed; every other
// UserPolicy property is kept as raw JSON by name (applied wholesale, echoed).
struct Policy {
  bool is_administrator = false;
  bool is_hidden = true;
  bool is_disabled = false;
  bool enable_user_preference_access = true;
  bool enable_all_folders = true;
  bool enable_all_devices = true;
  bool enable_remote_access = true;
  std::vector<Guid> enabled_folders;
  std::vector<std::string> enabled_devices;
  int32_t max_active_sessions = 0;
  int32_t login_attempts_before_lockout = -1;
  int32_t invalid_login_attempt_count = 0;
  std::string authentication_provider_id =
      "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider";
  std::string password_reset_provider_id =
      "Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider";
  std::map<std::string, std::string> other;  // property name → raw JSON value
};

struct User {
  Guid id;
  std::string name;
  std::string password_hash;   // empty = no password
  std::string password_plain;  // seed input only; hashed and cleared on load
  Policy policy;
  std::string configuration;  // UserConfiguration as JSON; empty = a new user's defaults
  // DisplayPreferencesDto JSON by "<displayPreferencesId>|<client>" (routes_display_prefs.cpp)
  std::map<std::string, std::string> display_preferences;
  int64_t date_created = kNoDate;
  int64_t last_login = kNoDate;
  int64_t last_activity = kNoDate;
  std::unordered_map<uint32_t, UserData> data;  // item index → row
};

struct ApiKey {
  std::string token;  // 32 lowercase hex
  std::string name;
  int64_t date_created = kNoDate;
};

struct Catalog {
  std::string server_name = "Jellyfin Stand-in";
  Guid server_id;
  StringArena strings;
  std::vector<Library> libraries;
  std::vector<Item> items;
  std::vector<User> users;
  std::vector<ApiKey> api_keys;

  std::string_view str(StrRef r) const { return strings.get(r); }
  // Adds a library and its CollectionFolder + physical Folder items.
  uint32_t add_library(Library lib);
  uint32_t add_item(const Item& it) {
    items.push_back(it);
    return static_cast<uint32_t>(items.size() - 1);
  }
};

// Jellyfin-like SortName: lower case, leading article removed, punctuation
// folded; episodes "001 - 0001 - name" (Episode.CreateSortName).
std::string make_sort_name(const Catalog& c, const Item& it);
// UserItemDataDto.Key (BaseItem.GetUserDataKeys()[0], simplified; see docs).
std::string user_data_key(const Catalog& c, uint32_t idx);
// Collection type → "movies"/"tvshows"/... validation (CollectionTypeOptions).
bool valid_collection_type(std::string_view s);

}  // namespace jb::standin
