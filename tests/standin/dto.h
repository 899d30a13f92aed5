// dto.h — Jellyfin's JSON shapes (PascalCase, nulls omitted, GUIDs as 32
// lowercase hex, dates via timeutil::format_jellyfin): BaseItemDto with
// Fields gating (API-NOTES §6.1), UserItemDataDto (§6.3), UserDto,
// SessionInfoDto, AuthenticationResult, QuickConnectResult, system info and
// library shapes. Writers append to a json::Writer so lists stream without
// intermediate documents.
//
// Thread-safety: pure functions; callers hold the Store's shared lock.
#pragma once

#include <bitset>
#include <optional>
#include <string>

#include "common/core/json.h"
#include "tests/standin/enums.h"
#include "tests/standin/state.h"
#include "tests/standin/user_data.h"

namespace jb::standin {

struct ServerInfo {
  std::string id;  // 32 hex
  std::string name;
  std::string version;
  std::string local_address;  // http://host:port[/base]
};

struct DtoOptions {
  std::bitset<static_cast<size_t>(Field::kCount)> fields;
  bool all_fields = false;  // GET /Items/{id}, /UserViews, /Library/MediaFolders
  bool enable_user_data = true;
  bool enable_images = true;
  bool has(Field f) const { return all_fields || fields.test(static_cast<size_t>(f)); }
};

std::string date_str(int64_t unix_us);

void write_user_item_data(json::Writer& w, const State& s, const User& u, uint32_t idx,
                          std::optional<int32_t> recursive_count = std::nullopt);
void write_item(json::Writer& w, const State& s, uint32_t idx, const DtoOptions& o,
                const User* user, const ServerInfo& srv);

void write_user_configuration(json::Writer& w);
void write_user(json::Writer& w, const User& u, const ServerInfo& srv);

// A session: a token's device, optionally playing an item.
struct SessionView {
  Guid id;
  Guid user_id;
  std::string user_name, client, device_name, device_id, app_version;
  int64_t last_activity = kNoDate;
  const PlayingSession* playing = nullptr;
};
void write_session(json::Writer& w, const State& s, const SessionView& v, const ServerInfo& srv);
SessionView session_of(const Device& d, const User& u);

// AuthenticationResult for a freshly created token.
std::string authentication_result_json(const State& s, const User& u, const Device& d,
                                       const ServerInfo& srv);
void write_quick_connect_result(json::Writer& w, const QcRequest& r);

void write_public_system_info(json::Writer& w, const ServerInfo& srv);
void write_system_info(json::Writer& w, const ServerInfo& srv, int port);
void write_virtual_folder(json::Writer& w, const Library& lib);

}  // namespace jb::standin
