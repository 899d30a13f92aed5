// audit_handlers.cpp — see audit_handlers.h.
#include "auth-service/audit/audit_handlers.h"

#include "auth-service/api/io.h"
#include "common/core/json.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {

Error forbidden(const std::string& what) {
  return Error(errc::admin_only, "Only a suite administrator may " + what + ".", 403);
}

Error bad(const std::string& message) {
  return Error(errc::invalid_request, message, 400);
}

void write_entry(json::Writer& w, const AuditEntry& x) {
  w.begin_object()
      .kv("id", x.id)
      .kv("seq", x.seq)
      .kv("time", timeutil::format_rfc3339(x.ts_ms * 1000))
      .kv("ts_ms", x.ts_ms)
      .kv("type", x.event.type)
      .kv("user_id", x.event.user_id)
      .kv("user_name", x.event.user_name)
      .kv("actor_id", x.event.actor_id)
      .kv("ip", x.event.ip)
      .kv("outcome", x.event.outcome);
  w.key("detail").begin_object();
  for (const auto& [k, v] : x.event.detail) w.kv(k, v);
  w.end_object().kv("prev", x.prev).kv("hash", x.hash).end_object();
}

}  // namespace

Result<AuditQuery> read_audit_query(const http::Request& r, const SessionUser& who) {
  auto page = read_page_query(r);
  if (!page.ok()) return page.error();
  AuditQuery q;
  q.start = page->start;
  q.count = page->count;
  q.type_prefix = r.query_param("type").value_or("");
  q.ip = r.query_param("ip").value_or("");
  q.outcome = r.query_param("outcome").value_or("");
  if (!q.outcome.empty() && q.outcome != "ok" && q.outcome != "fail" && q.outcome != "info")
    return bad("'outcome' must be ok, fail or info.");
  for (const char* name : {"since", "until"}) {
    auto v = r.query_param(name);
    if (!v) continue;
    auto us = timeutil::parse_iso8601(*v);
    if (!us) return bad(std::string("'") + name + "' must be an RFC 3339 date-time.");
    // Inclusive bounds at millisecond precision.
    int64_t ms = *us / 1000 - (*us % 1000 < 0 ? 1 : 0);
    (std::string_view(name) == "since" ? q.since_ms : q.until_ms) = ms;
  }
  auto user = r.query_param("user_id");
  if (user && user->empty()) return bad("'user_id' must not be empty.");
  if (who.is_admin) {
    q.user_id = user.value_or("");
  } else {
    if (user && *user != who.id) return forbidden("list another user's audit events");
    q.user_id = who.id;
  }
  return q;
}

std::string audit_entry_json(const AuditEntry& x) {
  json::Writer w;
  write_entry(w, x);
  return w.str();
}

std::string audit_verify_json(const AuditVerifyReport& rep) {
  json::Writer w;
  w.begin_object().kv("ok", rep.ok).kv("checked", rep.checked);
  if (rep.first_broken)
    w.key("first_broken")
        .begin_object()
        .kv("id", rep.first_broken->id)
        .kv("reason", rep.first_broken->reason)
        .end_object();
  else
    w.kv_null("first_broken");
  return w.end_object().str();
}

void register_audit_routes(http::Server& server, Authenticator& auth, AuditLog& log) {
  server.route("GET", "/api/v1/audit",
               require_auth(auth, [&log](http::Request& r, AuthContext& ctx) {
                 auto q = read_audit_query(r, ctx.session.user);
                 if (!q.ok()) return fail(q.error());
                 auto page = log.query(*q);
                 if (!page.ok()) return fail(page.error());
                 json::Writer w;
                 w.begin_object().key("events").begin_array();
                 for (const auto& x : page->entries) write_entry(w, x);
                 w.end_array()
                     .kv("start", q->start)
                     .kv("count", static_cast<int64_t>(page->entries.size()))
                     .kv("more", page->more)
                     .end_object();
                 return ok_json(w.str());
               }));

  server.route("GET", "/api/v1/admin/audit/verify",
               require_auth(auth, [&log](http::Request&, AuthContext& ctx) {
                 if (!ctx.session.user.is_admin) return fail(forbidden("verify the audit log"));
                 auto rep = log.verify();
                 if (!rep.ok()) return fail(rep.error());
                 return ok_json(audit_verify_json(*rep));
               }));
}

}  // namespace jb::auth
