// connection_handlers.cpp — see connection_handlers.h.
#include "auth-service/connections/connection_handlers.h"

#include "auth-service/api/io.h"
#include "common/core/log.h"

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
      409, "connection_in_use",
      "The connection is used by " + std::to_string(users.size()) +
          (users.size() == 1 ? " pair: " : " pairs: ") + names +
          ". Delete or change those pairs first, or delete them together with the connection: "
          "DELETE /api/v1/connections/" +
          id + "?cascade=pairs.");
  p.extensions.emplace_back("pairs", list.str());
  return http::Response::problem(p);
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
                                sync::SyncStore& pair_store) {
  server.route("POST", "/api/v1/connections",
               require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
                 auto body = read_json_body(r);
                 if (!body.ok()) return fail(body.error());
                 json::Fields f(*body);
                 CreateConnection req;
                 req.method = f.string("method", true, 32).value_or("");
                 req.server_url = f.string("server_url", true, 2048).value_or("");
                 if (req.method == "password") {
                   req.username = f.string("username", true, 256).value_or("");
                   auto pw = f.string("password", false, 4096);
                   if (!pw && !json::member(*body, "password"))
                     f.add_problem("password", "is required");
                   req.password = pw.value_or("");
                   f.reject_unknown({"method", "server_url", "username", "password"});
                 } else if (req.method == "api_key") {
                   req.api_key = f.string("api_key", true, 256).value_or("");
                   req.user_id = f.string("user_id", false, 64).value_or("");
                   f.reject_unknown({"method", "server_url", "api_key", "user_id"});
                 } else if (req.method == "quickconnect") {
                   f.reject_unknown({"method", "server_url"});
                 } else if (!req.method.empty()) {
                   f.add_problem("method", "must be one of password, api_key, quickconnect");
                 }
                 if (!f.ok()) return invalid_fields(f);
                 return one(svc.create(ctx.session.user.id, req), 201);
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
                 auto body = read_json_body(r);
                 if (!body.ok()) return fail(body.error());
                 json::Fields f(*body);
                 auto user_id = f.string("user_id", true, 64);
                 f.reject_unknown({"user_id"});
                 if (!f.ok()) return invalid_fields(f);
                 return one(svc.choose_user(ctx.session.user.id, r.param("id"), *user_id));
               }));

  server.route("POST", "/api/v1/connections/{id}/verify",
               require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
                 return one(svc.verify(ctx.session.user.id, r.param("id")));
               }));

  server.route(
      "DELETE", "/api/v1/connections/{id}",
      require_auth(auth, [&svc, &pair_store](http::Request& r, AuthContext& ctx) {
        const std::string& owner = ctx.session.user.id;
        const std::string id = r.param("id");
        auto cascade = r.query_param("cascade");
        if (cascade && *cascade != "pairs")
          return fail(Error(
              "invalid_request",
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
        }
        auto s = svc.remove(owner, id);
        if (!s.ok()) return fail(s.error());
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
