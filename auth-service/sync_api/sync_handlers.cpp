// sync_handlers.cpp — see sync_handlers.h.
#include "auth-service/sync_api/sync_handlers.h"

#include <algorithm>

#include "auth-service/api/io.h"
#include "auth-service/edge/user_caps.h"
#include "auth-service/sync_api/sse.h"
#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/result.h"
#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {

Result<std::vector<std::string>> own_connection_ids(ConnectionStore& store,
                                                    const std::string& owner) {
  auto list = store.list(owner);
  if (!list.ok()) return list.error();
  std::vector<std::string> ids;
  for (const auto& c : *list) ids.push_back(c.id);
  return ids;
}

std::string last_run_member(sync::SyncStore& store, const sync::Pair& p) {
  auto ids = store.list_runs(p.id, 1);
  if (!ids.ok() || ids->empty()) return "\"last_run\":null";
  auto run = store.get_run(ids->front());
  if (!run.ok() || !run->exists()) return "\"last_run\":null";
  return "\"last_run\":" + sync::run_to_json(*run);
}

Error pair_not_found(const std::string& id) {
  return Error(errc::not_found, "You have no pair with id '" + id + "'.", 404);
}
Error run_not_found(const std::string& id) {
  return Error(errc::not_found, "You have no run with id '" + id + "'.", 404);
}

Result<sync::RunRecord> owned_run(sync::SyncStore& store, const std::string& id,
                                  const std::string& user) {
  auto run = store.get_run(id);
  if (!run.ok()) return run.error();
  if (!run->exists() || run->owner() != user) return run_not_found(id);
  return run;
}

// The audit event of a change to one of the user's pairs.
AuditEvent pair_event(const char* type, const http::Request& r, const AuthContext& ctx,
                      const sync::Pair& p) {
  return change_event(type, ctx.session.user.id, ctx.session.user.name, r.client_ip,
                      {{"pair_id", p.id}, {"source", p.source}, {"target", p.target}});
}

}  // namespace

void register_sync_routes(http::Server& server, Authenticator& auth, ConnectionStore& connections,
                          sync::SyncStore& store, RunEventHub& hub, AuditLog* audit,
                          int64_t max_pairs_per_user) {
  server.route(
      "POST", "/api/v1/pairs",
      require_auth(auth, [&, audit, max_pairs_per_user](http::Request& r, AuthContext& ctx) {
        auto body = read_json_body(r);
        if (!body.ok()) return fail(body.error());
        auto own = own_connection_ids(connections, ctx.session.user.id);
        if (!own.ok()) return fail(own.error());
        json::Fields f(*body);
        auto pair = sync::pair_from_json(*body, nullptr, *own, f);
        if (!pair.ok()) return invalid_fields(f);
        pair->id = rnd::id128();
        pair->owner = ctx.session.user.id;
        pair->created_ms = timeutil::now_unix_ms();
        // JB_MAX_PAIRS_PER_USER, atomically (edge/user_caps.h).
        auto slot = store.claim_pair_slot(pair->owner, pair->id, max_pairs_per_user);
        if (!slot.ok()) return fail(slot.error());
        if (!*slot) return fail(too_many_pairs(max_pairs_per_user));
        if (auto s = store.save_pair(*pair); !s.ok()) {
          log::best_effort(store.delete_pair(*pair), "releasing the slot of an unsaved pair");
          return fail(s.error());
        }
        if (auto s = store.schedule(*pair, pair->created_ms + pair->every_minutes * 60000); !s.ok())
          return fail(s.error());
        audit_best_effort(audit, pair_event("pair.created", r, ctx, *pair));
        return ok_json(sync::pair_to_json(*pair, "\"last_run\":null"), 201);
      }));

  server.route("GET", "/api/v1/pairs", require_auth(auth, [&](http::Request&, AuthContext& ctx) {
                 auto pairs = store.list_pairs(ctx.session.user.id);
                 if (!pairs.ok()) return fail(pairs.error());
                 std::string body = "{\"pairs\":[";
                 for (size_t i = 0; i < pairs->size(); ++i)
                   body += (i ? "," : "") +
                           sync::pair_to_json((*pairs)[i], last_run_member(store, (*pairs)[i]));
                 return ok_json(body + "]}");
               }));

  server.route("GET", "/api/v1/pairs/{id}",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto p = store.get_owned_pair(r.param("id"), ctx.session.user.id);
                 if (!p.ok()) return fail(p.error());
                 if (!p->has_value()) return fail(pair_not_found(r.param("id")));
                 return ok_json(sync::pair_to_json(**p, last_run_member(store, **p)));
               }));

  server.route("PATCH", "/api/v1/pairs/{id}",
               require_auth(auth, [&, audit](http::Request& r, AuthContext& ctx) {
                 auto body = read_json_body(r);
                 if (!body.ok()) return fail(body.error());
                 auto p = store.get_owned_pair(r.param("id"), ctx.session.user.id);
                 if (!p.ok()) return fail(p.error());
                 if (!p->has_value()) return fail(pair_not_found(r.param("id")));
                 auto own = own_connection_ids(connections, ctx.session.user.id);
                 if (!own.ok()) return fail(own.error());
                 json::Fields f(*body);
                 auto updated = sync::pair_from_json(*body, &**p, *own, f);
                 if (!updated.ok()) return invalid_fields(f);
                 if (auto s = store.save_pair(*updated); !s.ok()) return fail(s.error());
                 // Editing a pair lifts its quarantines: the user changed something, so failed items get another chance.
                 if (auto s = store.clear_failures(updated->id); !s.ok()) return fail(s.error());
                 if ((*p)->every_minutes != updated->every_minutes)
                   if (auto s = store.schedule(
                           *updated, timeutil::now_unix_ms() + updated->every_minutes * 60000);
                       !s.ok())
                     return fail(s.error());
                 audit_best_effort(audit, pair_event("pair.updated", r, ctx, *updated));
                 return ok_json(sync::pair_to_json(*updated, last_run_member(store, *updated)));
               }));

  server.route("DELETE", "/api/v1/pairs/{id}",
               require_auth(auth, [&, audit](http::Request& r, AuthContext& ctx) {
                 auto p = store.get_owned_pair(r.param("id"), ctx.session.user.id);
                 if (!p.ok()) return fail(p.error());
                 if (!p->has_value()) return fail(pair_not_found(r.param("id")));
                 if (auto s = store.delete_pair(**p); !s.ok()) return fail(s.error());
                 audit_best_effort(audit, pair_event("pair.deleted", r, ctx, **p));
                 return http::Response::no_content();
               }));

  server.route(
      "POST", "/api/v1/pairs/{id}/runs",
      require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
        auto p = store.get_owned_pair(r.param("id"), ctx.session.user.id);
        if (!p.ok()) return fail(p.error());
        if (!p->has_value()) return fail(pair_not_found(r.param("id")));
        // Never accept a run that cannot work: both connections must still exist.
        for (const auto& [role, conn] :
             {std::pair<const char*, std::string>{"source", (*p)->source},
              {"target", (*p)->target}}) {
          auto c = connections.get_owned(conn, ctx.session.user.id);
          if (!c.ok()) return fail(c.error());
          if (!c->has_value())
            return fail(Error(
                errc::pair_connection_missing,
                std::string("The pair's ") + role + " connection (" + conn +
                    ") no longer exists; edit the pair to use another connection, or delete it.",
                409));
        }
        auto created = store.create_run(**p, "manual");
        if (!created.ok()) return fail(created.error());
        json::Writer w;
        w.begin_object()
            .kv("run_id", created->run_id)
            .kv("already_running", created->already_active)
            .end_object();
        http::Response resp = ok_json(w.str(), created->already_active ? 409 : 202);
        if (created->already_active) {
          Problem pr = make_problem(
              409, errc::run_in_progress,
              "A run of this pair is already queued or running (" + created->run_id + ").");
          resp = http::Response::problem(pr);
        }
        resp.headers.emplace_back("Location", "/api/v1/runs/" + created->run_id);
        return resp;
      }));

  server.route("GET", "/api/v1/pairs/{id}/runs",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto p = store.get_owned_pair(r.param("id"), ctx.session.user.id);
                 if (!p.ok()) return fail(p.error());
                 if (!p->has_value()) return fail(pair_not_found(r.param("id")));
                 auto ids = store.list_runs((*p)->id, 50);
                 if (!ids.ok()) return fail(ids.error());
                 std::string body = "{\"runs\":[";
                 bool first = true;
                 for (const auto& id : *ids) {
                   auto run = store.get_run(id);
                   if (!run.ok() || !run->exists()) continue;
                   body += (first ? "" : ",") + sync::run_to_json(*run);
                   first = false;
                 }
                 return ok_json(body + "]}");
               }));

  server.route("GET", "/api/v1/runs/{id}",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto run = owned_run(store, r.param("id"), ctx.session.user.id);
                 if (!run.ok()) return fail(run.error());
                 return ok_json(sync::run_to_json(*run));
               }));

  server.route("GET", "/api/v1/runs/{id}/items",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto run = owned_run(store, r.param("id"), ctx.session.user.id);
                 if (!run.ok()) return fail(run.error());
                 auto page_query = read_page_query(r);
                 if (!page_query.ok()) return fail(page_query.error());
                 int64_t start = page_query->start, count = page_query->count;
                 auto page = store.run_items(r.param("id"), start, count);
                 if (!page.ok()) return fail(page.error());
                 json::Writer w;
                 w.begin_object().key("items").begin_array();
                 for (const auto& [item, outcome] : page->items)
                   w.raw(sync::run_item_to_json(item, outcome));
                 w.end_array().kv("start", start).kv("total", page->total).end_object();
                 return ok_json(w.str());
               }));

  // Server-sent events of a run (see event_hub.h): checked here on a pool
  // thread, then parked in the hub, which writes to it from its own thread.
  server.route_stream(
      "GET", "/api/v1/runs/{id}/events", [&](http::Request& r, http::Responder responder) {
        auto ctx = auth.authenticate(r);
        if (!ctx.ok()) {
          responder.send(http::Response::error(ctx.error(), 401));
          return;
        }
        const std::string id = r.param("id");
        // Run ids are 32 lowercase hex digits; anything else is no run of yours.
        auto lower_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
        if (id.size() != 32 || !std::all_of(id.begin(), id.end(), lower_hex)) {
          responder.send(fail(run_not_found(id)));
          return;
        }
        auto run = owned_run(store, id, ctx->session.user.id);
        if (!run.ok()) {
          responder.send(fail(run.error()));
          return;
        }
        // Where the client resumes: Last-Event-ID (as EventSource sends it; a
        // malformed one is ignored, so the stream starts with the run as it is),
        // else ?last_event_id= (for clients that cannot set headers).
        uint64_t last = 0;
        if (auto h = sse::parse_event_id(r.header("Last-Event-ID"))) {
          last = *h;
        } else if (auto q = r.query_param("last_event_id")) {
          auto v = sse::parse_event_id(*q);
          if (!v) {
            Problem p = make_problem(400, errc::invalid_request,
                                     "The query parameter 'last_event_id' is not an event id.");
            p.invalid_params.emplace_back("last_event_id",
                                          "must be an id this stream sent: a non-negative integer");
            responder.send(http::Response::problem(p));
            return;
          }
          last = *v;
        }
        auto slot = hub.reserve(ctx->session.user.id);
        if (!slot.ok()) {
          bool per_user = slot.error().code == errc::too_many_event_streams;
          Problem p = problem_from_error(slot.error());
          p.title = per_user ? "Too many event streams" : "Event streams exhausted";
          p.extensions.emplace_back("limit",
                                    std::to_string(per_user ? hub.options().max_streams_per_user
                                                            : hub.options().max_streams));
          responder.send(http::Response::problem(p));
          return;
        }
        auto now = hub.snapshot(id);
        if (!now.ok()) {
          responder.send(fail(now.error(), 503));
          return;
        }
        if (now->revision == 0 || now->owner != ctx->session.user.id) {
          responder.send(fail(run_not_found(id)));
          return;
        }
        http::Response head = http::Response::text(200, sse::retry(hub.options().retry_ms),
                                                   "text/event-stream; charset=utf-8");
        head.headers.emplace_back("X-Accel-Buffering", "no");  // nginx: pass events on at once
        auto stream = responder.stream(std::move(head));
        if (!stream.ok()) {
          responder.send(
              fail(stream.error(), 503));  // nothing is sent when the client already left
          return;
        }
        hub.attach(std::move(*slot), id, last, *now, std::move(*stream));
      });

  server.route("POST", "/api/v1/runs/{id}/confirm",
               require_auth(auth, [&](http::Request& r, AuthContext& ctx) {
                 auto run = owned_run(store, r.param("id"), ctx.session.user.id);
                 if (!run.ok()) return fail(run.error());
                 if (run->state() != sync::run_state::held)
                   return fail(Error(
                       errc::run_not_held,
                       "Only a held run can be confirmed; this one is " + run->state() + ".", 409));
                 if (auto s = store.confirm_run(r.param("id")); !s.ok()) return fail(s.error());
                 auto after = store.get_run(r.param("id"));
                 return ok_json(after.ok() ? sync::run_to_json(*after) : "{}", 202);
               }));
}

}  // namespace jb::auth
