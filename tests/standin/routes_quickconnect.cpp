// routes_quickconnect.cpp — /QuickConnect/* and
// POST /Users/AuthenticateWithQuickConnect (API-NOTES §2).
#include "common/core/text.h"
#include "tests/standin/quickconnect.h"
#include "tests/standin/routes.h"

namespace jb::standin {

namespace {

HttpResponse disabled() {
  return message_response(401, "Quick connect is disabled");
}

HttpResponse enabled(Ctx& c) {
  return json_response(c.app.quick_connect.load() ? "true" : "false");
}

HttpResponse initiate_route(Ctx& c) {
  const ClientAuth& a = c.caller.client;
  if (a.device_id.empty() || a.device.empty() || a.client.empty() || a.version.empty())
    return middleware_error(400);
  if (!c.app.quick_connect.load()) return disabled();
  const int64_t now = c.app.clock.now_us();
  return c.app.store.write([&](State& s) {
    const QcRequest& r = initiate(s, DeviceInfo{a.device_id, a.device, a.client, a.version}, now);
    json::Writer w;
    write_quick_connect_result(w, r);
    return json_response(w.str());
  });
}

HttpResponse connect(Ctx& c) {
  auto secret = c.query.get("secret");
  if (!secret || secret->empty())
    return validation_response("secret", "The secret field is required.");
  if (!c.app.quick_connect.load()) return disabled();
  const int64_t now = c.app.clock.now_us();
  return c.app.store.write([&](State& s) {
    expire_requests(s, now);
    auto it = s.qc_pending.find(*secret);
    if (it == s.qc_pending.end()) return message_response(404, "Unknown secret");
    json::Writer w;
    write_quick_connect_result(w, it->second);
    return json_response(w.str());
  });
}

HttpResponse authorize_route(Ctx& c) {
  auto code = c.query.get("code");
  if (!code || code->empty()) return validation_response("code", "The code field is required.");
  auto requested = query_guid(c, "userId");
  if (!requested) return from_error(requested.error());
  auto uid = effective_user_id(c, *requested);
  if (!uid) return from_error(uid.error());
  if (!c.app.quick_connect.load()) return disabled();
  const int64_t now = c.app.clock.now_us();
  Status st =
      c.app.store.write([&](State& s) { return authorize(s, *code, *uid, now, c.app.server); });
  if (!st.ok()) return from_error(st.error());
  return json_response("true");
}

HttpResponse exchange(Ctx& c) {
  auto body = json_body(c);
  if (!body) return from_error(body.error());
  const json::Value* secret = json::member_ci(*body, "Secret");
  if (!secret || secret->IsNull())
    return validation_response("Secret", "The Secret field is required.");
  if (!secret->IsString())
    return validation_response("$.Secret",
                               "The JSON value could not be converted to System.String.");
  std::string sec(secret->GetString(), secret->GetStringLength());
  if (!c.app.quick_connect.load()) return middleware_error(401);
  const int64_t now = c.app.clock.now_us();
  return c.app.store.write([&](State& s) {
    expire_requests(s, now);
    auto it = s.qc_authorized.find(sec);
    if (it == s.qc_authorized.end()) return middleware_error(404);
    return json_response(it->second.result_json);
  });
}

HttpResponse legacy_initiate(Ctx& c) {
  // Hidden GET form of 10.9–10.11, removed in 12.0 (legacy off = 12.0 behaviour).
  if (!c.app.legacy_auth.load()) return empty_response(405);
  return initiate_route(c);
}

}  // namespace

void add_quickconnect_routes(Router& r) {
  r.add("GET", "/QuickConnect/Enabled", Access::kAnonymous, enabled);
  r.add("POST", "/QuickConnect/Initiate", Access::kAnonymous, initiate_route);
  r.add("GET", "/QuickConnect/Initiate", Access::kAnonymous, legacy_initiate);
  r.add("GET", "/QuickConnect/Connect", Access::kAnonymous, connect);
  r.add("POST", "/QuickConnect/Authorize", Access::kAuthenticated, authorize_route);
  r.add("POST", "/Users/AuthenticateWithQuickConnect", Access::kAnonymous, exchange);
}

}  // namespace jb::standin
