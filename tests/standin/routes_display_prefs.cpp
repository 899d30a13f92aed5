// routes_display_prefs.cpp — GET/POST /DisplayPreferences/{displayPreferencesId}
// ?userId=&client= (DisplayPreferencesController): a user's display
// preferences per id ("usersettings" for the web client's settings) and
// client ("emby" for jellyfin-web). userId defaults to the caller; another
// user's needs an administrator (RequestHelpers.GetUserId: 403). client is
// required (400 validation). GET answers the stored DisplayPreferencesDto (Id
// and Client set by the server, as Jellyfin does), or Jellyfin's defaults for
// one never saved; POST stores the body (an object)
// whole and answers 204. Simplification: Jellyfin merges CustomPrefs key by
// key and keeps its own fields; the stand-in replaces the whole object, which
// is what a client sending back what it read gets either way. Stored on the
// user (User::display_preferences), so saved state and seeds keep them.
//
// Thread-safety: handlers run concurrently; state through the Store's locks.
#include <variant>

#include "tests/standin/guid.h"
#include "tests/standin/routes.h"

namespace jb::standin {

namespace {

// The target user (userId or the caller) and "<id>|<client>", or the answer.
struct Target {
  Guid user;
  std::string key, id, client;
};

std::variant<Target, HttpResponse> target(Ctx& c) {
  auto uid = query_guid(c, "userId");
  if (!uid) return from_error(uid.error());
  auto client = c.query.get("client");
  if (!client || client->empty())
    return validation_response("client", "The client field is required.");
  Target t;
  t.user = *uid && !(*uid)->empty() ? **uid : c.caller.user_id;
  if (t.user != c.caller.user_id && !c.caller.is_admin)
    return message_response(403, "User is not allowed to access these display preferences.");
  if (t.user.empty()) return middleware_error(400);
  t.id = c.path_param("displayPreferencesId");
  t.client = *client;
  t.key = t.id + "|" + t.client;
  return t;
}

// The DTO's Id: Jellyfin's is a GUID derived from the displayPreferencesId
// (its MD5); the stand-in derives a stable one (derived_guid) the same way for
// every user and client.
std::string dto_id(const Target& t) {
  return derived_guid("displaypreferences|" + t.id).str();
}

// Jellyfin's DisplayPreferencesDto for preferences never saved.
std::string defaults(const Target& t) {
  json::Writer w;
  w.begin_object()
      .kv("Id", dto_id(t))
      .kv("SortBy", "SortName")
      .kv("RememberIndexing", false)
      .kv("PrimaryImageHeight", 250)
      .kv("PrimaryImageWidth", 250)
      .key("CustomPrefs")
      .begin_object()
      .end_object()
      .kv("ScrollDirection", "Horizontal")
      .kv("ShowBackdrop", true)
      .kv("RememberSorting", false)
      .kv("SortOrder", "Ascending")
      .kv("ShowSidebar", false)
      .kv("Client", t.client)
      .end_object();
  return w.str();
}

HttpResponse get_prefs(Ctx& c) {
  auto t = target(c);
  if (auto* r = std::get_if<HttpResponse>(&t)) return *r;
  const Target& tg = std::get<Target>(t);
  return c.app.store.read([&](const State& s) {
    const User* u = s.user(tg.user);
    if (!u) return message_response(404, "User not found");
    auto it = u->display_preferences.find(tg.key);
    if (it == u->display_preferences.end()) return json_response(defaults(tg));
    // As stored, with Jellyfin's own Id and Client (whatever the client sent as them).
    auto d = json::parse(it->second);
    if (!d.ok() || !d->IsObject()) return json_response(defaults(tg));
    auto& a = d->GetAllocator();
    const std::string id = dto_id(tg);
    d->RemoveMember("Id");
    d->RemoveMember("Client");
    d->AddMember("Id", json::Value(id.c_str(), a), a);
    d->AddMember("Client", json::Value(tg.client.c_str(), a), a);
    return json_response(json::stringify(*d));
  });
}

HttpResponse post_prefs(Ctx& c) {
  auto t = target(c);
  if (auto* r = std::get_if<HttpResponse>(&t)) return *r;
  const Target& tg = std::get<Target>(t);
  auto body = json_body(c);
  if (!body) return from_error(body.error());
  if (!body->IsObject())
    return validation_response("$",
                               "The JSON value could not be converted to DisplayPreferencesDto.");
  std::string prefs = json::stringify(*body);
  return c.app.store.write([&](State& s) -> HttpResponse {
    User* u = s.user(tg.user);
    if (!u) return message_response(404, "User not found");
    u->display_preferences[tg.key] = std::move(prefs);
    return no_content();
  });
}

}  // namespace

void add_display_preference_routes(Router& r) {
  r.add("GET", "/DisplayPreferences/{displayPreferencesId}", Access::kAuthenticated, get_prefs);
  r.add("POST", "/DisplayPreferences/{displayPreferencesId}", Access::kAuthenticated, post_prefs);
}

}  // namespace jb::standin
