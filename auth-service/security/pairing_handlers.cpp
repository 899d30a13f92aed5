// pairing_handlers.cpp — see pairing_handlers.h.
#include "auth-service/security/pairing_handlers.h"

#include "auth-service/api/io.h"
#include "auth-service/security/security_handlers.h"
#include "auth-service/sessions/auth_handlers.h"
#include "common/core/log.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {

struct PairingBody {
  std::string device_name;
  std::string username;  // "" = none
};

BodyResult<PairingBody> parse_pairing_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  PairingBody out;
  if (auto name = f.string("device_name", true, 256)) {
    if (auto problem = device_name_problem(*name))
      f.add_problem("device_name", *problem);
    else
      out.device_name = *name;
  }
  if (auto user = f.string("username", false, 256)) {
    if (user->empty()) f.add_problem("username", "must not be empty (leave it out instead)");
    out.username = *user;
  }
  f.reject_unknown({"device_name", "username"});
  if (!f.ok()) return body_problem(f);
  return out;
}

Error not_found_error() {
  return Error(errc::pairing_not_found,
               "No device waiting for approval has this code or id: it may have expired, been "
               "denied or approved already, or be waiting for another user.",
               404);
}

std::string request_json(const PairingRequest& p) {
  json::Writer w;
  w.begin_object()
      .kv("id", p.handle)
      .kv("device_name", p.device_name)
      .kv("ip", p.ip)
      .kv("user_agent", p.user_agent)
      .kv("created_at", timeutil::format_rfc3339(p.created_ms * 1000))
      .kv("expires_at", timeutil::format_rfc3339(p.expires_ms * 1000))
      .end_object();
  return w.str();
}

// The edge's answer to a refused step (audited as `type` with the refusal's reason).
http::Response refused(AuditLog* audit, AuditEvent e, const Refusal& why) {
  e.outcome = "fail";
  e.detail.emplace_back("reason", why.reason);
  audit_best_effort(audit, std::move(e));
  return fail(why.error);
}

}  // namespace

void register_pairing_routes(http::Server& server, PairingDeps& deps) {
  server.route("POST", "/api/v1/auth/pair", [&deps](http::Request& r) {
    auto body = parse_pairing_body(r);
    if (!body.ok()) return answer(body.problem());
    AuditEvent e{"pairing.requested", "", body->username, "", r.client_ip, "info", {}};
    e.detail.emplace_back("device_name", body->device_name);
    if (deps.guard != nullptr) {
      auto no = deps.guard->admit_pairing(r.client_ip);
      if (!no.ok()) return fail(no.error());
      if (*no) return refused(deps.audit, std::move(e), **no);
    }
    auto p = deps.store->create(body->device_name, body->username,
                                SessionOrigin{r.client_ip, r.header("User-Agent")});
    if (!p.ok()) {
      if (p.error().code == errc::too_many_pairing_requests)
        return refused(deps.audit, std::move(e), Refusal{p.error(), "too_many_waiting"});
      return fail(p.error());
    }
    e.detail.emplace_back("pairing", p->request.handle);
    audit_best_effort(deps.audit, std::move(e));
    log::info("device pairing requested", {{"pairing", p->request.handle}});
    json::Writer w;
    w.begin_object()
        .kv("id", p->id)
        .kv("code", p->code)
        .kv("expires_at", timeutil::format_rfc3339(p->request.expires_ms * 1000))
        .kv("state", "pending")
        .end_object();
    return ok_json(w.str(), 201);
  });

  server.route("GET", "/api/v1/auth/pair/{id}", [&deps](http::Request& r) {
    auto p = deps.store->poll(r.param("id"));
    if (!p.ok()) return fail(p.error());
    if (!*p) return fail(not_found_error());
    if ((*p)->state == "approved") {
      const PairingPoll& done = **p;
      auto s =
          deps.auth->store().create(*done.user, SessionOrigin{r.client_ip, r.header("User-Agent")});
      if (!s.ok()) return fail(s.error());
      audit_best_effort(deps.audit, AuditEvent{"signin.success",
                                               done.user->id,
                                               done.user->name,
                                               "",
                                               r.client_ip,
                                               "ok",
                                               {{"method", "pairing"},
                                                {"pairing", done.handle},
                                                {"device_name", done.device_name}}});
      log::info("signed in", {{"user_id", done.user->id}, {"method", "pairing"}});
      return signed_in(*deps.auth, r, *s, "approved");
    }
    json::Writer w;
    w.begin_object()
        .kv("state", (*p)->state)
        .kv("expires_at", timeutil::format_rfc3339((*p)->expires_ms * 1000))
        .end_object();
    return ok_json(w.str());
  });

  server.route("GET", "/api/v1/me/security/pairing",
               require_session(*deps.auth, [&deps](http::Request&, AuthContext& ctx) {
                 auto list = deps.store->pending_for(ctx.session.user.name);
                 if (!list.ok()) return fail(list.error());
                 std::string out = R"({"pending":[)";
                 for (size_t i = 0; i < list->size(); ++i)
                   out += (i ? "," : "") + request_json((*list)[i]);
                 return ok_json(out + "]}");
               }));

  server.route(
      "POST", "/api/v1/me/security/pairing/approve",
      require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
        const SessionUser& u = ctx.session.user;
        auto body = parse_code_body(r, false, true);
        if (!body.ok()) return answer(body.problem());
        AuditEvent e{"security.pairing_approved", u.id, u.name, "", r.client_ip, "fail", {}};
        if (deps.guard != nullptr) {
          auto no = deps.guard->admit_pairing_code(r.client_ip, u.id);
          if (!no.ok()) return fail(no.error());
          if (*no) return refused(deps.audit, std::move(e), **no);
        }
        auto a = deps.store->approve(body->code, u);
        if (!a.ok()) return fail(a.error());
        if (!*a) {
          e.detail.emplace_back("reason", "wrong_code");
          audit_best_effort(deps.audit, std::move(e));
          return fail(not_found_error());
        }
        e.outcome = "ok";
        e.detail = {
            {"pairing", (*a)->handle}, {"device_name", (*a)->device_name}, {"device_ip", (*a)->ip}};
        audit_best_effort(deps.audit, std::move(e));
        log::info("device pairing approved", {{"pairing", (*a)->handle}});
        return ok_json(request_json(**a));
      }));

  server.route("POST", "/api/v1/me/security/pairing/{id}/deny",
               require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 auto d = deps.store->deny(r.param("id"), u.name);
                 if (!d.ok()) return fail(d.error());
                 if (!*d) return fail(not_found_error());
                 audit_best_effort(deps.audit, AuditEvent{"security.pairing_denied",
                                                          u.id,
                                                          u.name,
                                                          "",
                                                          r.client_ip,
                                                          "ok",
                                                          {{"pairing", (*d)->handle},
                                                           {"device_name", (*d)->device_name}}});
                 return http::Response::no_content();
               }));
}

}  // namespace jb::auth
