// security_handlers.cpp — see security_handlers.h.
#include "auth-service/security/security_handlers.h"

#include "auth-service/api/io.h"
#include "auth-service/sessions/auth_handlers.h"
#include "common/core/log.h"
#include "common/core/recovery_codes.h"
#include "common/core/time.h"

namespace jb::auth {

BodyResult<CodeBody> parse_code_body(const http::Request& r, bool with_method, bool required) {
  auto body = read_json_body(r, !required);
  if (!body.ok()) return body_problem(body.error());
  CodeBody out;
  if (!body->IsObject()) return out;
  json::Fields f(*body);
  auto code = f.string("code", required, 64);
  if (code) out.code = *code;
  if (with_method) {
    auto m = f.string("method", true, 16);
    if (m && *m != "totp" && *m != "recovery") f.add_problem("method", "must be totp or recovery");
    if (m) out.method = *m;
    f.reject_unknown({"method", "code"});
  } else {
    f.reject_unknown({"code"});
  }
  if (!f.ok()) return body_problem(f);
  return out;
}

namespace {

AuditEvent event(std::string type, const SessionUser& u, const std::string& ip, std::string outcome,
                 std::vector<std::pair<std::string, std::string>> detail = {}) {
  return AuditEvent{std::move(type), u.id, u.name, "", ip, std::move(outcome), std::move(detail)};
}

// The edge's limit for second-factor codes: the refusal to answer, if any.
std::optional<http::Response> refused(SecurityDeps& deps, const std::string& ip,
                                      const SessionUser& u) {
  if (deps.guard == nullptr) return std::nullopt;
  auto r = deps.guard->admit_second_factor(ip, u.id);
  if (!r.ok()) return fail(r.error());
  if (!*r) return std::nullopt;
  audit_best_effort(deps.audit,
                    event("signin.second_factor", u, ip, "fail", {{"reason", (*r)->reason}}));
  return fail((*r)->error);
}

// A code of the user's current second factor: TOTP, or one recovery code (used up).
Result<bool> current_factor(SecurityDeps& deps, const std::string& user_id,
                            const std::string& code) {
  auto totp = deps.totp->verify(user_id, code, timeutil::now_unix_ms() / 1000);
  if (!totp.ok() || *totp) return totp;
  return deps.factors->consume_recovery_code(user_id, code);
}

// A signed-in user's change that needs a current code (TOTP or recovery): the
// limiter, then the code. nullopt: go ahead; else the answer (audited as `what`).
std::optional<http::Response> needs_current_code(SecurityDeps& deps, const http::Request& r,
                                                 const SessionUser& u, const std::string& code,
                                                 const char* what) {
  if (auto no = refused(deps, r.client_ip, u)) return no;
  auto okc = current_factor(deps, u.id, code);
  if (!okc.ok()) return fail(okc.error());
  if (*okc) return std::nullopt;
  audit_best_effort(deps.audit, event(what, u, r.client_ip, "fail", {{"reason", "wrong_code"}}));
  return fail(Error(errc::wrong_code, "That code does not match.", 400));
}

std::string codes_json(const std::vector<std::string>& codes) {
  json::Writer w;
  w.begin_object().key("recovery_codes").begin_array();
  for (const auto& c : codes) w.value(c);
  w.end_array().kv("shown_once", true).end_object();
  return w.str();
}

}  // namespace

Result<std::optional<Challenge>> second_step(SecurityDeps& deps, const SessionUser& user,
                                             const SessionOrigin& origin) {
  auto on = deps.totp->enabled(user.id);
  if (!on.ok()) return on.error();
  if (!*on) return std::optional<Challenge>{};
  auto c = deps.challenges->create(user, {"totp", "recovery"}, origin);
  if (!c.ok()) return c.error();
  audit_best_effort(deps.audit, event("signin.challenge", user, origin.ip, "info"));
  return std::optional<Challenge>(std::move(*c));
}

std::string challenge_json(const Challenge& c, const char* state) {
  json::Writer w;
  w.begin_object();
  if (state) w.kv("state", state);
  w.key("challenge").begin_object().kv("id", c.id).key("methods").begin_array();
  for (const auto& m : c.methods) w.value(m);
  w.end_array()
      .kv("expires_at", timeutil::format_rfc3339(c.expires_ms * 1000))
      .end_object()
      .end_object();
  return w.str();
}

void register_security_routes(http::Server& server, SecurityDeps& deps) {
  server.route("GET", "/api/v1/me/security",
               require_auth(*deps.auth, [&deps](http::Request&, AuthContext& ctx) {
                 const auto& uid = ctx.session.user.id;
                 auto on = deps.totp->enabled(uid);
                 if (!on.ok()) return fail(on.error());
                 auto left = deps.factors->recovery_codes_left(uid);
                 if (!left.ok()) return fail(left.error());
                 json::Writer w;
                 w.begin_object()
                     .key("totp")
                     .begin_object()
                     .kv("enabled", *on)
                     .end_object()
                     .kv("recovery_codes_left", *left)
                     .end_object();
                 return ok_json(w.str());
               }));

  server.route(
      "POST", "/api/v1/me/security/totp",
      require_auth(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
        const SessionUser& u = ctx.session.user;
        auto body = parse_code_body(r, false, false);
        if (!body.ok()) return answer(body.problem());
        auto on = deps.totp->enabled(u.id);
        if (!on.ok()) return fail(on.error());
        if (*on) {  // re-enrolment: only with a current code
          if (body->code.empty())
            return fail(Error(errc::totp_enabled,
                              "An authenticator is already set up; send a current code (or a "
                              "recovery code) to replace it.",
                              409));
          if (auto no = needs_current_code(deps, r, u, body->code, "security.totp_reenrol"))
            return *no;
        }
        auto e = deps.totp->begin(u.id, u.name);
        if (!e.ok()) return fail(e.error());
        json::Writer w;
        w.begin_object()
            .kv("secret", e->secret_base32)
            .kv("otpauth_uri", e->uri)
            .kv("qr_svg", e->qr_svg)
            .kv("expires_at", timeutil::format_rfc3339(e->expires_ms * 1000))
            .end_object();
        return ok_json(w.str(), 201);
      }));

  server.route("POST", "/api/v1/me/security/totp/confirm",
               require_auth(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 auto body = parse_code_body(r, false, true);
                 if (!body.ok()) return answer(body.problem());
                 if (auto no = refused(deps, r.client_ip, u)) return *no;
                 auto codes = deps.totp->confirm(u.id, body->code, timeutil::now_unix_ms() / 1000);
                 if (!codes.ok()) {
                   audit_best_effort(deps.audit, event("security.totp_enabled", u, r.client_ip,
                                                       "fail", {{"reason", codes.error().code}}));
                   return fail(codes.error());
                 }
                 audit_best_effort(deps.audit,
                                   event("security.totp_enabled", u, r.client_ip, "ok"));
                 return ok_json(codes_json(*codes));
               }));

  server.route("DELETE", "/api/v1/me/security/totp",
               require_auth(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 auto body = parse_code_body(r, false, true);
                 if (!body.ok()) return answer(body.problem());
                 auto on = deps.totp->enabled(u.id);
                 if (!on.ok()) return fail(on.error());
                 if (!*on)
                   return fail(Error(errc::totp_not_enabled, "No authenticator is set up.", 409));
                 if (auto no = needs_current_code(deps, r, u, body->code, "security.totp_disabled"))
                   return *no;
                 if (auto s = deps.totp->disable(u.id); !s.ok()) return fail(s.error());
                 audit_best_effort(deps.audit,
                                   event("security.totp_disabled", u, r.client_ip, "ok"));
                 return http::Response::no_content();
               }));

  server.route(
      "POST", "/api/v1/me/security/recovery-codes",
      require_auth(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
        const SessionUser& u = ctx.session.user;
        auto body = parse_code_body(r, false, true);
        if (!body.ok()) return answer(body.problem());
        auto on = deps.totp->enabled(u.id);
        if (!on.ok()) return fail(on.error());
        if (!*on)
          return fail(Error(errc::totp_not_enabled,
                            "Recovery codes come with an authenticator; set one up first.", 409));
        if (auto no = needs_current_code(deps, r, u, body->code, "security.recovery_codes"))
          return *no;
        auto codes = recovery::generate();
        if (auto s = deps.factors->set_recovery_codes(u.id, codes); !s.ok()) return fail(s.error());
        audit_best_effort(deps.audit, event("security.recovery_codes", u, r.client_ip, "ok"));
        return ok_json(codes_json(codes));
      }));

  server.route("POST", "/api/v1/auth/challenge/{id}", [&deps](http::Request& r) {
    auto body = parse_code_body(r, true, true);
    if (!body.ok()) return answer(body.problem());
    auto gone = [] {
      return fail(Error(errc::challenge_not_found,
                        "This sign-in step has expired, was already used or had too many wrong "
                        "codes; sign in again.",
                        404));
    };
    auto c = deps.challenges->get(r.param("id"));
    if (!c.ok()) return fail(c.error());
    if (!*c) return gone();
    const Challenge& ch = **c;
    if (auto no = refused(deps, r.client_ip, ch.user)) return *no;
    Result<bool> ok = false;
    if (body->method == "totp")
      ok = deps.totp->verify(ch.user.id, body->code, timeutil::now_unix_ms() / 1000);
    else
      ok = deps.factors->consume_recovery_code(ch.user.id, body->code);
    if (!ok.ok()) return fail(ok.error());
    if (!*ok) {
      auto left = deps.challenges->wrong(ch.id);
      if (!left.ok()) return fail(left.error());
      audit_best_effort(
          deps.audit, event("signin.second_factor", ch.user, r.client_ip, "fail",
                            {{"method", body->method}, {"attempts_left", std::to_string(*left)}}));
      if (*left == 0) return gone();
      return fail(Error(errc::second_factor_failed,
                        "That code does not match; " + std::to_string(*left) +
                            (*left == 1 ? " attempt is" : " attempts are") + " left.",
                        401));
    }
    auto took = deps.challenges->take(ch.id);
    if (!took.ok()) return fail(took.error());
    if (!*took) return gone();  // answered at the same moment by another request
    auto s = deps.auth->store().create(ch.user, SessionOrigin{r.client_ip, r.header("User-Agent")});
    if (!s.ok()) return fail(s.error());
    std::vector<std::pair<std::string, std::string>> detail{{"method", body->method}};
    if (body->method == "recovery") {
      auto left = deps.factors->recovery_codes_left(ch.user.id);
      if (left.ok()) detail.emplace_back("recovery_codes_left", std::to_string(*left));
    }
    audit_best_effort(deps.audit,
                      event("signin.second_factor", ch.user, r.client_ip, "ok", std::move(detail)));
    log::info("signed in", {{"user_id", ch.user.id}, {"second_factor", body->method}});
    return signed_in(*deps.auth, r, *s);
  });
}

}  // namespace jb::auth
