// caller.cpp — see caller.h.
#include "tests/standin/caller.h"

#include "common/core/text.h"
#include "tests/standin/context.h"

namespace jb::standin {

namespace {

constexpr int64_t kActivityRefreshUs = 3 * 60 * 1'000'000LL;

}  // namespace

Caller resolve_caller(App& app, const HttpRequest& req, const QueryParams& query) {
  const bool legacy = app.legacy_auth.load();
  AuthSources src;
  src.authorization = req.header("Authorization");
  src.x_emby_authorization = req.header("X-Emby-Authorization");
  src.x_emby_token = req.header("X-Emby-Token");
  src.x_mediabrowser_token = req.header("X-MediaBrowser-Token");
  auto api_key = query.get("ApiKey");
  auto api_key_legacy = query.get("api_key");
  if (api_key) src.query_api_key = *api_key;
  if (api_key_legacy) src.query_api_key_legacy = *api_key_legacy;

  Caller c;
  c.client = extract_client_auth(src, legacy);
  c.token = c.client.token;
  c.has_token = !c.token.empty();
  if (!c.has_token) return c;

  const int64_t now = app.clock.now_us();
  bool update_device = false, refresh_activity = false;
  app.store.read([&](const State& s) {
    auto it = s.tokens.find(c.token);
    if (it != s.tokens.end()) {
      const Device& d = it->second;
      const User* u = s.user(d.user_id);
      if (!u) return;
      if (c.client.client.empty()) c.client.client = d.app_name;
      if (c.client.device_id.empty()) c.client.device_id = d.device_id;
      if (c.client.device.empty()) c.client.device = d.device_name;
      if (c.client.version.empty()) c.client.version = d.app_version;
      update_device = (c.client.device != d.device_name || c.client.version != d.app_version) &&
                      text::to_lower(c.client.client).find("chromecast") == std::string::npos;
      refresh_activity =
          d.date_last_activity == kNoDate || now - d.date_last_activity > kActivityRefreshUs;
      if (u->policy.is_disabled) return;  // "User account has been disabled." → 401
      c.authenticated = true;
      c.user_id = u->id;
      c.user_name = u->name;
      c.is_admin = u->policy.is_administrator;
      c.remote_denied = !u->policy.enable_remote_access && !is_local_peer(req.peer);
      return;
    }
    if (s.api_key(c.token)) {
      c.authenticated = true;
      c.is_api_key = true;
      c.is_admin = true;
    }
  });
  if (update_device || refresh_activity) {
    app.store.write([&](State& s) {
      auto it = s.tokens.find(c.token);
      if (it == s.tokens.end()) return;
      if (update_device) {
        it->second.device_name = c.client.device;
        it->second.app_version = c.client.version;
      }
      if (refresh_activity) it->second.date_last_activity = now;
    });
  }
  return c;
}

}  // namespace jb::standin
