// library_handlers.cpp — see library_handlers.h.
#include "auth-service/libraries/library_handlers.h"

#include "auth-service/api/io.h"
#include "auth-service/connections/connection_service.h"
#include "auth-service/libraries/library_bodies.h"
#include "common/core/json.h"
#include "common/core/result.h"
#include "common/core/text.h"

namespace jb::auth {

namespace {

constexpr int kLibraryTimeoutMs = 60000;  // "Load Libraries" talks to Jellyfin

// The caller's usable connection, or the answer to send instead.
Result<Connection> owned(ConnectionStore& store, const std::string& id, const std::string& user) {
  auto c = store.get_owned(id, user);
  if (!c.ok()) return c.error();
  if (!c->has_value())
    return Error(errc::not_found, "You have no connection with id '" + id + "'.", 404);
  const Connection& conn = **c;
  if (conn.status == "pending" || conn.status == "expired")
    return Error(
        errc::connection_not_ready,
        "Connection '" + id + "' is " + conn.status +
            (conn.status == "expired" ? "; connect it again." : "; finish connecting it first."),
        409);
  return conn;
}

std::string payload(const std::string& conn,
                    std::initializer_list<std::pair<const char*, std::string>> strings = {}) {
  json::Writer w;
  w.begin_object().kv("connection_id", conn);
  for (const auto& [k, v] : strings) w.kv(k, v);
  w.end_object();
  return w.str();
}

http::Response relay(const Result<std::string>& r) {
  if (!r.ok()) return fail(r.error(), 502);
  return ok_json(*r);
}

}  // namespace

void register_library_routes(http::Server& server, Authenticator& auth, ConnectionStore& store,
                             RpcClientPool& library) {
  server.route(
      "GET", "/api/v1/connections/{id}/libraries",
      require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
        auto c = owned(store, r.param("id"), ctx.session.user.id);
        if (!c.ok()) return fail(c.error());
        std::string refresh = text::to_lower(r.query_param("refresh").value_or("false"));
        if (refresh != "true" && refresh != "false" && refresh != "1" && refresh != "0")
          return fail(Error(errc::invalid_request, "'refresh' must be true or false.", 400));
        json::Writer w;
        w.begin_object()
            .kv("connection_id", c->id)
            .kv("refresh", refresh == "true" || refresh == "1")
            .end_object();
        return relay(library.call("libraries", w.str(), kLibraryTimeoutMs, 1));
      }));

  server.route("GET", "/api/v1/connections/{id}/whitelist",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto c = owned(store, r.param("id"), ctx.session.user.id);
                 if (!c.ok()) return fail(c.error());
                 return relay(library.call("whitelist_get", payload(c->id), kLibraryTimeoutMs, 1));
               }));

  server.route("PUT", "/api/v1/connections/{id}/whitelist",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto body = parse_whitelist_body(r);
                 if (!body.ok()) return answer(body.problem());
                 auto c = owned(store, r.param("id"), ctx.session.user.id);
                 if (!c.ok()) return fail(c.error());
                 json::Writer w;
                 w.begin_object().kv("connection_id", c->id).key("library_ids").begin_array();
                 for (const auto& id : body->library_ids) w.value(id);
                 w.end_array().end_object();
                 return relay(library.call("whitelist_put", w.str(), kLibraryTimeoutMs, 1));
               }));

  server.route("GET", "/api/v1/connections/{id}/index",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto c = owned(store, r.param("id"), ctx.session.user.id);
                 if (!c.ok()) return fail(c.error());
                 return relay(library.call("index_status", payload(c->id)));
               }));

  server.route("POST", "/api/v1/connections/{id}/index",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto body = parse_index_refresh_body(r);
                 if (!body.ok()) return answer(body.problem());
                 auto c = owned(store, r.param("id"), ctx.session.user.id);
                 if (!c.ok()) return fail(c.error());
                 json::Writer w;
                 w.begin_object().kv("connection_id", c->id).kv("full", body->full).end_object();
                 auto res = library.call("index_refresh", w.str());
                 if (!res.ok()) return fail(res.error(), 502);
                 return ok_json(*res, 202);
               }));

  server.route("GET", "/api/v1/connections/{id}/index/unmatched",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto c = owned(store, r.param("id"), ctx.session.user.id);
                 if (!c.ok()) return fail(c.error());
                 auto page_query = read_page_query(r);
                 if (!page_query.ok()) return fail(page_query.error());
                 int64_t start = page_query->start, count = page_query->count;
                 json::Writer w;
                 w.begin_object()
                     .kv("connection_id", c->id)
                     .kv("start", start)
                     .kv("count", count)
                     .end_object();
                 return relay(library.call("unmatched", w.str()));
               }));
}

}  // namespace jb::auth
