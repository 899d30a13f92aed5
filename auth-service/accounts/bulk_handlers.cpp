// bulk_handlers.cpp — see bulk_handlers.h.
#include "auth-service/accounts/bulk_handlers.h"

#include <set>

#include "auth-service/accounts/admin_guard.h"
#include "auth-service/sync_api/sse.h"
#include "common/core/random.h"
#include "common/core/time.h"

namespace jb::accounts {

using auth::AuthContext;
using auth::body_problem;
using auth::fail;
using auth::ok_json;

namespace {

constexpr size_t kMaxSubject = 200;

std::string actions_list() {
  std::string s;
  for (const auto& a : bulk_actions()) s += (s.empty() ? "" : ", ") + a;
  return s;
}

http::Response create_job(BulkDeps& d, http::Request& r, AuthContext& ctx) {
  auto spec = parse_bulk_body(r);
  if (!spec.ok()) return auth::answer(spec.problem());
  BulkSpec s = *spec;
  if (s.action == "apply_profile") {
    auto p = d.profiles->get(s.profile_id);
    if (!p.ok()) return fail(p.error());
    if (!*p) return auth::not_found("profile '" + s.profile_id + "'");
  }
  s.created_by = ctx.session.user.id;
  s.created_by_name = ctx.session.user.name;
  auto job = d.jobs->create(std::move(s), timeutil::now_unix_ms());
  std::vector<std::pair<std::string, std::string>> detail{
      {"action", spec->action}, {"count", std::to_string(spec->users.size())}};
  if (!job.ok()) {
    detail.emplace_back("error", job.error().code);
    auth::audit_best_effort(d.audit, admin_event("admin.bulk", r, ctx, detail, "fail"));
    return fail(job.error());
  }
  detail.emplace_back("job_id", job->id);
  auth::audit_best_effort(d.audit, admin_event("admin.bulk", r, ctx, detail));
  auto res = ok_json(bulk_job_json(*job, true), 202);
  res.headers.emplace_back("Location", "/api/v1/admin/bulk/" + job->id);
  return res;
}

}  // namespace

auth::BodyResult<BulkSpec> parse_bulk_body(const http::Request& r) {
  auto body = auth::read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  f.reject_unknown({"action", "users", "profile_id", "extend_days", "subject", "message"});
  BulkSpec s;
  auto action = f.string("action", true, 32);
  if (action && !is_bulk_action(*action))
    f.add_problem("action", "must be one of " + actions_list());
  if (action) s.action = *action;
  if (const json::Value* users = f.array("users", true)) {
    if (users->Empty() || users->Size() > kMaxBulkUsers) {
      f.add_problem("users", "must list 1 to " + std::to_string(kMaxBulkUsers) + " user ids");
    } else {
      std::set<std::string> seen;
      for (const auto& u : users->GetArray()) {
        if (!u.IsString() || !is_jellyfin_id(u.GetString())) {
          f.add_problem("users", "must hold Jellyfin user ids (32 hexadecimal digits)");
          break;
        }
        std::string id = u.GetString();
        if (!seen.insert(id).second) {
          f.add_problem("users", "lists " + id + " more than once");
          break;
        }
        s.users.push_back(std::move(id));
      }
    }
  }
  const bool profile = s.action == "apply_profile", extend = s.action == "extend_expiry",
             announce = s.action == "announce";
  if (auto p = f.string("profile_id", profile, 64)) {
    if (!profile)
      f.add_problem("profile_id", "is only for apply_profile");
    else if (p->empty())
      f.add_problem("profile_id", "must not be empty");
    s.profile_id = *p;
  }
  if (auto days = f.integer("extend_days", extend, 1, 36500)) {
    if (!extend) f.add_problem("extend_days", "is only for extend_expiry");
    s.extend_days = *days;
  }
  if (auto subject = f.string("subject", announce, kMaxSubject)) {
    if (!announce)
      f.add_problem("subject", "is only for announce");
    else if (subject->empty())
      f.add_problem("subject", "must not be empty");
    s.subject = *subject;
  }
  if (auto message = f.string("message", announce, kMaxAnnouncementBytes)) {
    if (!announce)
      f.add_problem("message", "is only for announce");
    else if (message->empty())
      f.add_problem("message", "must not be empty");
    s.message = *message;
  }
  if (!f.ok()) return body_problem(f);
  return s;
}

std::string bulk_job_json(const BulkJob& j, bool with_items) {
  json::Writer w;
  w.begin_object()
      .kv("id", j.id)
      .kv("action", j.spec.action)
      .kv("state", j.state)
      .key("counters")
      .begin_object()
      .kv("total", j.counters.total)
      .kv("ok", j.counters.ok)
      .kv("failed", j.counters.failed)
      .kv("skipped", j.counters.skipped)
      .end_object();
  if (!j.spec.profile_id.empty()) w.kv("profile_id", j.spec.profile_id);
  if (j.spec.extend_days > 0) w.kv("extend_days", j.spec.extend_days);
  if (!j.spec.subject.empty()) w.kv("subject", j.spec.subject);
  w.key("created_by")
      .begin_object()
      .kv("id", j.spec.created_by)
      .kv("name", j.spec.created_by_name)
      .end_object();
  auth::time_or_null(w, "created_at", j.created_ms);
  auth::time_or_null(w, "finished_at", j.finished_ms);
  if (with_items) {
    w.key("items").begin_array();
    for (const auto& i : j.items)
      w.begin_object()
          .kv("user_id", i.user_id)
          .kv("name", i.name)
          .kv("outcome", i.outcome)
          .kv("reason", i.reason)
          .end_object();
    w.end_array();
  }
  w.end_object();
  return w.str();
}

Result<auth::RunSnapshot> bulk_snapshot(BulkJobs& jobs, const std::string& id) {
  auth::RunSnapshot snap;
  auto job = jobs.get(id, false);
  if (!job.ok()) return job.error();
  if (!*job) return snap;
  snap.revision = static_cast<uint64_t>((*job)->counters.finished()) + 1;
  snap.json = bulk_job_json(**job, false);
  snap.state = (*job)->state;
  snap.owner = (*job)->spec.created_by;
  return snap;
}

namespace {

// GET /api/v1/admin/bulk/{id}/events: checked here, then parked in the hub.
void job_events(BulkDeps& d, http::Request& r, http::Responder& responder) {
  auto ctx = d.auth->authenticate(r);
  if (!ctx.ok()) {
    responder.send(http::Response::error(ctx.error(), 401));
    return;
  }
  if (!ctx->session.user.is_admin) {
    auth::audit_best_effort(d.audit, admin_event("admin.denied", r, *ctx,
                                                 {{"route", r.method + " " + r.path}}, "fail"));
    responder.send(
        fail(Error(errc::admin_only, "Only a suite administrator may follow bulk jobs.", 403)));
    return;
  }
  const std::string id = r.param("id");
  if (!rnd::is_id128(id)) {
    responder.send(auth::not_found("bulk job '" + id + "'"));
    return;
  }
  uint64_t last = 0;
  if (auto h = auth::sse::parse_event_id(r.header("Last-Event-ID"))) last = *h;
  auto slot = d.events->reserve(ctx->session.user.id);
  if (!slot.ok()) {
    responder.send(fail(slot.error()));
    return;
  }
  auto now = d.events->snapshot(id);
  if (!now.ok()) {
    responder.send(fail(now.error(), 503));
    return;
  }
  if (now->revision == 0) {
    responder.send(auth::not_found("bulk job '" + id + "'"));
    return;
  }
  http::Response head = http::Response::text(200, auth::sse::retry(d.events->options().retry_ms),
                                             "text/event-stream; charset=utf-8");
  head.headers.emplace_back("X-Accel-Buffering", "no");
  auto stream = responder.stream(std::move(head));
  if (!stream.ok()) {
    responder.send(fail(stream.error(), 503));
    return;
  }
  d.events->attach(std::move(*slot), id, last, *now, std::move(*stream));
}

}  // namespace

void register_bulk_routes(http::Server& server, BulkDeps& deps) {
  BulkDeps& d = deps;
  server.route("POST", "/api/v1/admin/bulk",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return create_job(d, r, ctx);
               }));
  server.route("GET", "/api/v1/admin/bulk",
               admins_only(*d.auth, d.audit, [&d](http::Request&, AuthContext&) {
                 auto list = d.jobs->recent();
                 if (!list.ok()) return fail(list.error());
                 std::string body = "{\"jobs\":[";
                 for (size_t i = 0; i < list->size(); ++i)
                   body += (i ? "," : "") + bulk_job_json((*list)[i], false);
                 return ok_json(body + "]}");
               }));
  server.route("GET", "/api/v1/admin/bulk/{id}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext&) {
                 const std::string id = r.param("id");
                 if (!rnd::is_id128(id)) return auth::not_found("bulk job '" + id + "'");
                 auto job = d.jobs->get(id);
                 if (!job.ok()) return fail(job.error());
                 if (!*job) return auth::not_found("bulk job '" + id + "'");
                 return ok_json(bulk_job_json(**job, true));
               }));
  if (d.events != nullptr)
    server.route_stream(
        "GET", "/api/v1/admin/bulk/{id}/events",
        [&d](http::Request& r, http::Responder responder) { job_events(d, r, responder); });
}

}  // namespace jb::accounts
