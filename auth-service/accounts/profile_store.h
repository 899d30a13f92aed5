// profile_store.h — permission profiles: a template Jellyfin user's policy and
// configuration (and, optionally, display preferences), captured under a name
// and applied to accounts at sign-up and in bulk. One profile is the default
// (the first one made becomes it).
//
// Profiles are stored as Jellyfin sent them (JSON text), so applying one
// replays exactly what the template user had; profile_summary() reads the
// parts a person checks (libraries, administrator or not, limits).
//
// Redis keys (built only in profile_store.cpp):
//   jb:profile:<id>       hash  name policy configuration display_preferences source_id
//                               source_name libraries created created_by
//   jb:profiles           zset  <id> → created (ms)
//   jb:profile:default    str   <id>
//
// Thread-safety: thread-safe (RedisPool); profile_summary() is pure.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::accounts {

struct Profile {
  std::string id, name;
  std::string policy;         // UserPolicy JSON object
  std::string configuration;  // UserConfiguration JSON object ("" = leave Jellyfin's defaults)
  // DisplayPreferencesDto JSON object of "usersettings"/"emby" (display_prefs.h; "" = none)
  std::string display_preferences;
  std::string source_id, source_name;            // the template user
  std::map<std::string, std::string> libraries;  // library id → name when captured
  int64_t created_ms = 0;
  std::string created_by;
  bool is_default = false;
};

// Writes the readable summary object of a profile's policy:
// {administrator, all_libraries, libraries:[names], remote_access, max_sessions,
//  bitrate_limit, downloads, deletion, hidden, parental_rating, display_preferences}.
void profile_summary(json::Writer& w, const Profile& p);

class ProfileStore {
 public:
  explicit ProfileStore(RedisPool& redis) : redis_(redis) {}
  Result<Profile> create(Profile p, int64_t now_ms);  // id assigned; the first is the default
  Result<std::optional<Profile>> get(const std::string& id);
  Result<std::optional<Profile>> get_default();
  Result<std::vector<Profile>> list();
  Status rename(const std::string& id, const std::string& name);
  Status make_default(const std::string& id);
  Result<bool> remove(const std::string& id);  // the default's removal leaves none

 private:
  Result<std::string> default_id();
  RedisPool& redis_;
};

}  // namespace jb::accounts
