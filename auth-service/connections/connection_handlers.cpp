// connection_handlers.cpp — see connection_handlers.h.
#include "auth-service/connections/connection_handlers.h"

#include "auth-service/api/io.h"

namespace jb::auth {

namespace {

http::Response one(const Result<Connection>& c, int status = 200) {
  if (!c.ok()) return fail(c.error());
  return ok_json(to_json(*c), status);
}

}  // namespace

void register_connection_routes(http::Server& server, Authenticator& auth, ConnectionService& svc) {
  server.route("POST", "/api/v1/connections", require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
    auto body = read_json_body(r);
    if (!body.ok()) return fail(body.error());
    json::Fields f(*body);
    CreateConnection req;
    req.method = f.string("method", true, 32).value_or("");
    req.server_url = f.string("server_url", true, 2048).value_or("");
    if (req.method == "password") {
      req.username = f.string("username", true, 256).value_or("");
      auto pw = f.string("password", false, 4096);
      if (!pw && !json::member(*body, "password")) f.add_problem("password", "is required");
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

  server.route("GET", "/api/v1/connections", require_auth(auth, [&svc](http::Request&, AuthContext& ctx) {
    auto list = svc.list(ctx.session.user.id);
    if (!list.ok()) return fail(list.error());
    std::string body = "{\"connections\":[";
    for (size_t i = 0; i < list->size(); ++i) body += (i ? "," : "") + to_json((*list)[i]);
    body += "]}";
    return ok_json(body);
  }));

  server.route("GET", "/api/v1/connections/{id}", require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
    return one(svc.get(ctx.session.user.id, r.param("id")));
  }));

  server.route("PATCH", "/api/v1/connections/{id}", require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
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

  server.route("DELETE", "/api/v1/connections/{id}", require_auth(auth, [&svc](http::Request& r, AuthContext& ctx) {
    auto s = svc.remove(ctx.session.user.id, r.param("id"));
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
                   w.begin_object().kv("id", u.id).kv("name", u.name).kv("is_admin", u.is_admin)
                       .kv("is_disabled", u.is_disabled).end_object();
                 w.end_array().end_object();
                 return ok_json(w.str());
               }));
}

}  // namespace jb::auth
