// items.h — the parts of Jellyfin's BaseItemDto / UserItemDataDto the suite
// uses (identity, provider ids, episode numbering, user data), parsed from
// /Items pages and single items. Unknown fields are ignored; missing ones stay
// empty. Dates become UTC microseconds (all Jellyfin dates are UTC; offsets are
// honoured if a server sends them).
//
// Thread-safety: pure functions and plain structs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/json.h"
#include "common/core/result.h"

namespace jb::jf {

struct UserData {
  bool played = false;
  bool favorite = false;
  int64_t position_ticks = 0;
  int64_t play_count = 0;
  std::optional<int64_t> last_played_us;
};

struct Item {
  std::string id, type, name;
  std::map<std::string, std::string> provider_ids;  // keys as the server sent them
  std::string series_id, series_name, season_id, parent_id;
  std::optional<int> season_number;   // ParentIndexNumber (episodes)
  std::optional<int> episode_number;  // IndexNumber
  std::optional<int> episode_end;     // IndexNumberEnd (multi-episode files)
  std::optional<int> production_year;
  int64_t run_time_ticks = 0;
  std::optional<int64_t> date_created_us;
  std::optional<UserData> user_data;
};

struct ItemsPage {
  std::vector<Item> items;
  int64_t total = 0;                      // TotalRecordCount
  int64_t start_index = 0;                // StartIndex
  std::optional<int64_t> server_date_us;  // the response's Date header (the server's clock)
};

UserData parse_user_data(const json::Value& v);
Item parse_item(const json::Value& v);
// Parses a BaseItemDtoQueryResult body; "not_jellyfin" (502) if it is not one.
Result<ItemsPage> parse_items_page(std::string_view body);

}  // namespace jb::jf
