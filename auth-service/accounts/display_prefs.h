// display_prefs.h — a user's display preferences at Jellyfin, as a profile
// captures and applies them (issue 14, "profile display preferences"): the
// DisplayPreferencesDto the web client keeps its user settings in, id
// "usersettings", client "emby" (jellyfin-web's) —
//   GET  /DisplayPreferences/usersettings?userId=<id>&client=emby
//   POST /DisplayPreferences/usersettings?userId=<id>&client=emby   (204)
// (as an administrator for another user).
//
// Thread-safety: pure over the caller's client.
#pragma once

#include <string>

#include "common/core/result.h"
#include "common/jellyfin/client.h"

namespace jb::accounts {

inline constexpr const char* kDisplayPreferencesId = "usersettings";
inline constexpr const char* kDisplayPreferencesClient = "emby";

// The user's DisplayPreferencesDto (a JSON object, as Jellyfin sent it).
Result<std::string> get_display_preferences(jf::Client& c, const std::string& user_id);
// Replaces the user's display preferences with `prefs_json` (a DisplayPreferencesDto).
Status set_display_preferences(jf::Client& c, const std::string& user_id,
                               const std::string& prefs_json);

}  // namespace jb::accounts
