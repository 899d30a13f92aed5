// routes_auth.cpp — POST /Users/AuthenticateByName, GET /Users/Me,
// POST /Sessions/Logout, /Auth/Keys, GET /Sessions (API-NOTES §1.2–1.4, §3).
#include <algorithm>

#include "common/core/text.h"
#include "tests/standin/password.h"
#include "tests/standin/routes.h"
#include "tests/standin/sessions.h"

namespace jb::standin {

namespace {

// A body member that must be a string or null (System.Text.Json).
Result<std::optional<std::string>> body_string(const json::Value& body, std::string_view name) {
  const json::Value* v = json::member_ci(body, name);
  if (!v || v->IsNull()) return std::optional<std::string>();
  if (!v->IsString())
    return err_validation(std::string("$.") + std::string(name),
                          "The JSON value could not be converted to System.String.");
  return std::optional<std::string>(std::string(v->GetString(), v->GetStringLength()));
}

HttpResponse authenticate_by_name(Ctx& c) {
  auto body = json_body(c);
  if (!body) return from_error(body.error());
  auto username = body_string(*body, "Username");
  if (!username) return from_error(username.error());
  auto pw = body_string(*body, "Pw");
  if (!pw) return from_error(pw.error());

  const ClientAuth& a = c.caller.client;
  // SessionManager: ArgumentException.ThrowIfNullOrEmpty(App, DeviceId, DeviceName, AppVersion).
  if (a.client.empty() || a.device_id.empty() || a.device.empty() || a.version.empty())
    return middleware_error(400);
  if (!*username || text::trim(**username).empty()) return middleware_error(400);

  // Read what verification needs, then hash outside the lock.
  struct Snapshot {
    bool found = false, disabled = false, device_allowed = true, remote_allowed = true;
    Guid id;
    std::string hash;
  } snap;
  c.app.store.read([&](const State& s) {
    for (const auto& u : s.cat.users) {
      if (!text::iequals(u.name, **username) && u.name != **username) continue;
      snap.found = true;
      snap.id = u.id;
      snap.disabled = u.policy.is_disabled;
      snap.remote_allowed = u.policy.enable_remote_access || is_local_peer(c.req.peer);
      snap.hash = u.password_hash;
      snap.device_allowed =
          u.policy.enable_all_devices ||
          std::find(u.policy.enabled_devices.begin(), u.policy.enabled_devices.end(),
                    a.device_id) != u.policy.enabled_devices.end();
      return;
    }
  });
  if (!snap.found) return middleware_error(401);  // AuthenticationException
  if (snap.disabled || !snap.remote_allowed) return middleware_error(403);  // SecurityException
  const std::string given = pw->value_or("");
  bool ok = snap.hash.empty() ? given.empty() : verify_password(given, snap.hash);
  const int64_t now = c.app.clock.now_us();
  if (!ok) {
    c.app.store.write([&](State& s) {
      if (User* u = s.user(snap.id)) record_failed_login(*u);
    });
    return middleware_error(401);
  }
  if (!snap.device_allowed) return middleware_error(403);

  return c.app.store.write([&](State& s) -> HttpResponse {
    User* u = s.user(snap.id);
    if (!u) return middleware_error(401);
    if (u->policy.is_disabled) return middleware_error(403);
    if (at_session_limit(s, *u)) return middleware_error(403);
    record_successful_login(*u, now);
    const Device& d =
        issue_token(s, *u, DeviceInfo{a.device_id, a.device, a.client, a.version}, now);
    return json_response(authentication_result_json(s, *u, d, c.app.server));
  });
}

HttpResponse me(Ctx& c) {
  if (c.caller.is_api_key) return problem_response(400);
  return c.app.store.read([&](const State& s) -> HttpResponse {
    const User* u = s.user(c.caller.user_id);
    if (!u) return problem_response(400);
    json::Writer w;
    write_user(w, *u, c.app.server);
    return json_response(w.str());
  });
}

HttpResponse logout(Ctx& c) {
  if (!c.caller.is_api_key) {
    c.app.store.write([&](State& s) { s.tokens.erase(c.caller.token); });
  }
  return no_content();
}

HttpResponse list_keys(Ctx& c) {
  return c.app.store.read([&](const State& s) {
    json::Writer w;
    w.begin_object();
    w.key("Items").begin_array();
    for (const auto& k : s.cat.api_keys) {
      w.begin_object();
      w.kv("Id", 0);
      w.kv("AccessToken", k.token);
      w.kv("DeviceId", "");
      w.kv("AppName", k.name);
      w.kv("AppVersion", "");
      w.kv("DeviceName", "");
      w.kv("UserId", Guid().str());
      w.kv("IsActive", false);
      w.kv("DateCreated", date_str(k.date_created));
      w.kv("DateLastActivity", date_str(timeutil::kDotnetMinUnixUs));
      w.end_object();
    }
    w.end_array();
    w.kv("TotalRecordCount", static_cast<int>(s.cat.api_keys.size()));
    w.kv("StartIndex", 0);
    w.end_object();
    return json_response(w.str());
  });
}

HttpResponse create_key(Ctx& c) {
  auto app = c.query.get("app");
  if (!app || app->empty()) return validation_response("app", "The app field is required.");
  ApiKey k;
  k.token = random_guid().str();
  k.name = *app;
  k.date_created = c.app.clock.now_us();
  c.app.store.write([&](State& s) { s.cat.api_keys.push_back(k); });
  return no_content();
}

HttpResponse delete_key(Ctx& c) {
  std::string key = c.path_param("key");
  c.app.store.write([&](State& s) {
    std::erase_if(s.cat.api_keys, [&](const ApiKey& k) { return k.token == key; });
  });
  return no_content();
}

HttpResponse sessions(Ctx& c) {
  auto active = query_int(c, "activeWithinSeconds");
  if (!active) return from_error(active.error());
  auto controllable = query_guid(c, "controllableByUserId");
  if (!controllable) return from_error(controllable.error());
  auto device_filter = c.query.get("deviceId");
  const int64_t now = c.app.clock.now_us();
  return c.app.store.read([&](const State& s) {
    std::vector<SessionView> views;
    std::vector<const PlayingSession*> unattached;
    for (const auto& p : s.playing) unattached.push_back(&p);
    for (const auto& [tok, d] : s.tokens) {
      const User* u = s.user(d.user_id);
      if (!u) continue;
      SessionView v = session_of(d, *u);
      for (auto& p : unattached) {
        if (p && p->user_id == u->id && !p->device_id.empty() && p->device_id == d.device_id) {
          v.playing = p;
          p = nullptr;
        }
      }
      views.push_back(v);
    }
    for (const PlayingSession* p : unattached) {
      if (!p) continue;
      const User* u = s.user(p->user_id);
      if (!u) continue;
      SessionView v;
      v.id = p->session_id;
      v.user_id = u->id;
      v.user_name = u->name;
      v.client = p->client;
      v.device_name = p->device_name;
      v.device_id = p->device_id;
      v.app_version = p->version;
      v.last_activity = p->started;
      v.playing = p;
      views.push_back(v);
    }
    std::erase_if(views, [&](const SessionView& v) {
      if (!c.caller.is_admin && v.user_id != c.caller.user_id) return true;
      if (device_filter && !device_filter->empty() && v.device_id != *device_filter) return true;
      if (*active && v.last_activity < now - static_cast<int64_t>(**active) * 1'000'000)
        return true;
      return false;
    });
    std::stable_sort(views.begin(), views.end(), [](const SessionView& a, const SessionView& b) {
      return a.last_activity > b.last_activity;
    });
    json::Writer w;
    w.begin_array();
    for (const auto& v : views) write_session(w, s, v, c.app.server);
    w.end_array();
    return json_response(w.str());
  });
}

}  // namespace

void add_auth_routes(Router& r) {
  r.add("POST", "/Users/AuthenticateByName", Access::kAnonymous, authenticate_by_name);
  r.add("GET", "/Users/Me", Access::kAuthenticated, me);
  r.add("POST", "/Sessions/Logout", Access::kAuthenticated, logout);
  r.add("GET", "/Auth/Keys", Access::kElevated, list_keys);
  r.add("POST", "/Auth/Keys", Access::kElevated, create_key);
  r.add("DELETE", "/Auth/Keys/{key}", Access::kElevated, delete_key);
  r.add("GET", "/Sessions", Access::kAuthenticated, sessions);
}

}  // namespace jb::standin
