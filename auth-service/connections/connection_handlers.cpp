// connection_handlers.cpp — see connection_handlers.h.
#include "auth-service/connections/connection_handlers.h"

#include "auth-service/api/io.h"
#include "auth-service/connections/connection_bodies.h"
#include "auth-service/connections/device_code.h"
#include "common/core/log.h"
#include "common/core/result.h"

namespace jb::auth {

namespace {

http::Response one(const Result<Connection>& c, int status = 200) {
  if (!c.ok()) return fail(c.error());
  return ok_json(to_json(*c), status);
}

// 409 naming the pairs that still use the connection.
http::Response in_use(const std::string& id, const std::vector<sync::Pair>& users) {
  std::string names;
  json::Writer list;
  list.begin_array();
  for (size_t i = 0; i < users.size(); ++i) {
    names += (i ? ", " : "") + std::string("\"") + users[i].name + "\" (" + users[i].id + ")";
    list.begin_object().kv("id", users[i].id).kv("name", users[i].name).end_object();
  }
  list.end_array();
  Problem p = make_problem(
      409, errc::connection_in_use,
      "The connection is used by " + std::to_string(users.size()) +
          (users.size() == 1 ? " pair: " : " pairs: ") + names +
          ". Delete or change those pairs first, or delete them together with the connection: "
          "DELETE /api/v1/connections/" +
          id + "?cascade=pairs.");
  p.extensions.emplace_back("pairs", list.str());
  return http::Response::problem(p);
}

// The audit event of a change to one of the user's connections (no secrets).
AuditEvent connection_event(const char* type, const http::Request& r, const AuthContext& ctx,
                            const Connection& c) {
  return change_event(type, ctx.session.user.id, ctx.session.user.name, r.client_ip,
                      {{"connection_id", c.id}, {"method", c.method}, {"server_id", c.server_id}});
}

// What a device signed in through connection `c` is signed in as.
std::string signed_in_as(const Connection& c) {
  json::Writer w;
  w.begin_object()
      .key("server")
      .begin_object()
      .kv("id", c.server_id)
      .kv("name", c.server_name)
      .kv("url", c.server_url)
      .end_object()
      .key("user")
      .begin_object()
      .kv("id", c.jf_user_id)
      .kv("name", c.jf_user_name)
      .end_object()
      .end_object();
  return w.str();
}

// POST /api/v1/connections/{id}/quickconnect/authorize (connection_handlers.h).
http::Response authorize_device(ConnectionService& svc, AuditLog* audit, SignInGuard* guard,
                                http::Request& r, AuthContext& ctx) {
  const std::string& owner = ctx.session.user.id;
  const std::string id = r.param("id");
  auto body = parse_authorize_device_body(r);
  if (!body.ok()) return answer(body.problem());
  auto conn = svc.get(owner, id);  // 404 for unknown and other users' ids, before any bucket
  if (!conn.ok()) return fail(conn.error());
  if (guard != nullptr) {  // per user and per connection (edge/signin_guard.h)
    auto refused = guard->admit_device_authorize(r.client_ip, owner, id);
    if (!refused.ok()) return fail(refused.error());
    if (*refused) return fail((*refused)->error);
  }
  auto done = svc.authorize_device(owner, id, body->code);
  const Connection& used = done.ok() ? *done : *conn;
  std::vector<std::pair<std::string, std::string>> detail{{"connection_id", id},
                                                          {"server_id", used.server_id},
                                                          {"server_name", used.server_name},
                                                          {"jellyfin_user", used.jf_user_name},
                                                          {"code", masked_device_code(body->code)}};
  if (!done.ok()) detail.emplace_back("error", done.error().code);
  audit_best_effort(audit, AuditEvent{"connection.device_authorized", owner, ctx.session.user.name,
                                      "", r.client_ip, done.ok() ? "ok" : "fail", detail});
  if (!done.ok()) return fail(done.error());
  return ok_json(signed_in_as(*done));
}

}  // namespace

std::vector<sync::Pair> pairs_using(const std::vector<sync::Pair>& all,
                                    const std::string& connection_id) {
  std::vector<sync::Pair> out;
  for (const auto& p : all)
    if (p.source == connection_id || p.target == connection_id) out.push_back(p);
  return out;
}

void register_connection_routes(http::Server& server, Authenticator& auth, ConnectionService& svc,
                                sync::SyncStore& pair_store, AuditLog* audit, SignInGuard* guard) {
  server.route("POST", "/api/v1/connections",
               require_auth(auth, [&svc, audit, guard](http::Request& r, AuthContext& ctx) {
                 auto req = parse_create_connection_body(r);
                 if (!req.ok()) return answer(req.problem());
                 if (guard != nullptr) {  // per-user limit (edge/signin_guard.h)
                   auto refused = guard->admit_connection_create(ctx.session.user.id);
                   if (!refused.ok()) return fail(refused.error());
                   if (*refused) return fail((*refused)->error);
                 }
                 auto c = svc.create(ctx.session.user.id, *req);
                 if (c.ok())
                   audit_best_effort(audit, connection_event("connection.created", r, ctx, *c));
                 return one(c, 201);
               }));

  server.route("GET", "/api/v1/connections",
               require_auth(auth, [&svc](http::Request&, AuthContext& ctx) {
                 auto list = svc.list(ctx.session.user.id);
                 if (!list.ok()) return fail(list.error());
                 std::string body = "{\"connections\":[";
                 for (size_t i = 0; i < list->size(); ++i)
                   body += (i ? "," : "") + to_json((*list)[i]);
                 body += "]}";
                 return ok_json(body);
               }));

  server.route("GET", "/api/v1/connections/{id}",
               require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
                 return one(svc.get(ctx.session.user.id, r.param("id")));
               }));

  server.route("PATCH", "/api/v1/connections/{id}",
               require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
                 auto body = parse_choose_user_body(r);
                 if (!body.ok()) return answer(body.problem());
                 return one(svc.choose_user(ctx.session.user.id, r.param("id"), body->user_id));
               }));

  server.route("POST", "/api/v1/connections/{id}/verify",
               require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
                 return one(svc.verify(ctx.session.user.id, r.param("id")));
               }));

  server.route("POST", "/api/v1/connections/{id}/quickconnect/authorize",
               require_auth(auth, [&svc, audit, guard](http::Request& r, AuthContext& ctx) {
                 return authorize_device(svc, audit, guard, r, ctx);
               }));

  server.route(
      "DELETE", "/api/v1/connections/{id}",
      require_auth(auth, [&svc, &pair_store, audit](http::Request& r, AuthContext& ctx) {
        const std::string& owner = ctx.session.user.id;
        const std::string id = r.param("id");
        auto cascade = r.query_param("cascade");
        if (cascade && *cascade != "pairs")
          return fail(Error(
              errc::invalid_request,
              "'cascade' can only be 'pairs' (delete the pairs that use the connection).", 400));
        auto conn = svc.get(owner, id);  // 404 for unknown and other users' ids
        if (!conn.ok()) return fail(conn.error());
        auto all = pair_store.list_pairs(owner);
        if (!all.ok()) return fail(all.error());
        auto users = pairs_using(*all, id);
        if (!users.empty() && !cascade) return in_use(id, users);
        for (const auto& p : users) {
          if (auto s = pair_store.delete_pair(p); !s.ok()) return fail(s.error());
          log::info("pair deleted with its connection", {{"pair", p.id}, {"connection_id", id}});
          audit_best_effort(audit, AuditEvent{"pair.deleted",
                                              owner,
                                              ctx.session.user.name,
                                              "",
                                              r.client_ip,
                                              "ok",
                                              {{"pair_id", p.id}, {"connection_id", id}}});
        }
        auto s = svc.remove(owner, id);
        if (!s.ok()) return fail(s.error());
        audit_best_effort(audit, connection_event("connection.deleted", r, ctx, *conn));
        return http::Response::no_content();
      }));

  server.route("GET", "/api/v1/connections/{id}/users",
               require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
                 auto users = svc.users(ctx.session.user.id, r.param("id"));
                 if (!users.ok()) return fail(users.error());
                 json::Writer w;
                 w.begin_object().key("users").begin_array();
                 for (const auto& u : *users)
                   w.begin_object()
                       .kv("id", u.id)
                       .kv("name", u.name)
                       .kv("is_admin", u.is_admin)
                       .kv("is_disabled", u.is_disabled)
                       .end_object();
                 w.end_array().end_object();
                 return ok_json(w.str());
               }));
}

}  // namespace jb::auth
