// display_prefs.cpp — see display_prefs.h.
#include "auth-service/accounts/display_prefs.h"

#include "common/core/json.h"
#include "common/core/text.h"

namespace jb::accounts {

namespace {

std::string path(const std::string& user_id) {
  return std::string("/DisplayPreferences/") + kDisplayPreferencesId +
         "?userId=" + text::url_encode(user_id) + "&client=" + kDisplayPreferencesClient;
}

}  // namespace

Result<std::string> get_display_preferences(jf::Client& c, const std::string& user_id) {
  auto r = c.request("GET", path(user_id));
  if (!r.ok()) return r.error();
  auto d = json::parse(r->body);
  if (!d.ok() || !d->IsObject())
    return Error(jf::errc::not_jellyfin,
                 "The answer of " + c.base_url() + " to GET /DisplayPreferences is not an object.",
                 502);
  return json::stringify(*d);
}

Status set_display_preferences(jf::Client& c, const std::string& user_id,
                               const std::string& prefs_json) {
  auto r = c.request("POST", path(user_id), prefs_json);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace jb::accounts
