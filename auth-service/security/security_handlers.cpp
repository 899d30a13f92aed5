// security_handlers.cpp — see security_handlers.h.
#include "auth-service/security/security_handlers.h"

#include <algorithm>

#include "auth-service/api/io.h"
#include "auth-service/passkeys/passkey_handlers.h"
#include "auth-service/security/email_handlers.h"
#include "auth-service/security/lan_bypass.h"
#include "auth-service/sessions/auth_handlers.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/recovery_codes.h"
#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::auth {

BodyResult<CodeBody> parse_code_body(const http::Request& r, bool with_method, bool required) {
  auto body = read_json_body(r, !required);
  if (!body.ok()) return body_problem(body.error());
  CodeBody out;
  if (!body->IsObject()) return out;
  json::Fields f(*body);
  if (with_method) {
    auto m = f.string("method", true, 16);
    if (m && *m != "totp" && *m != "recovery" && *m != "email" && *m != "passkey")
      f.add_problem("method", "must be totp, recovery, email or passkey");
    if (m) out.method = *m;
    if (out.method == "passkey") {
      out.passkey = read_assertion(f);
      if (json::member(*body, "code")) f.add_problem("code", "is not used with a passkey");
    } else {
      auto code = f.string("code", required, 64);
      if (code) out.code = *code;
    }
    out.remember = f.boolean("remember", false).value_or(false);
    f.reject_unknown({"method", "code", "credential", "remember"});
  } else {
    auto code = f.string("code", required, 64);
    if (code) out.code = *code;
    f.reject_unknown({"code"});
  }
  if (!f.ok()) return body_problem(f);
  return out;
}

AuditEvent security_event(std::string type, const SessionUser& u, const std::string& ip,
                          std::string outcome,
                          std::vector<std::pair<std::string, std::string>> detail) {
  return AuditEvent{std::move(type), u.id, u.name, "", ip, std::move(outcome), std::move(detail)};
}

// The remembered browser's cookie (trusted_browsers.h), secure like the session cookie.
http::Cookie trusted_cookie(SecurityDeps& deps, const http::Request& r, const std::string& value) {
  http::Cookie c;
  c.name = kTrustedCookie;
  c.value = value;
  c.path = "/api/v1/auth";
  c.max_age = static_cast<int>(deps.trusted->lifetime_ms() / 1000);
  c.http_only = true;
  c.secure = deps.auth->secure_for(r);
  c.same_site = "Strict";
  return c;
}

namespace {

// The edge's limit for second-factor codes: the refusal to answer, if any.
std::optional<http::Response> refused(SecurityDeps& deps, const std::string& ip,
                                      const SessionUser& u) {
  if (deps.guard == nullptr) return std::nullopt;
  auto r = deps.guard->admit_second_factor(ip, u.id);
  if (!r.ok()) return fail(r.error());
  if (!*r) return std::nullopt;
  audit_best_effort(deps.audit, security_event("signin.second_factor", u, ip, "fail",
                                               {{"reason", (*r)->reason}}));
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
  audit_best_effort(deps.audit,
                    security_event(what, u, r.client_ip, "fail", {{"reason", "wrong_code"}}));
  return fail(Error(errc::wrong_code, "That code does not match.", 400));
}

// The start of a change to an authenticator that is set up (turning it off, new
// recovery codes): the body's code, checked by needs_current_code(). nullopt: go
// ahead; else the answer (a bad body, 409 totp_not_enabled with `none`, a
// refused or wrong code).
std::optional<http::Response> change_with_current_code(SecurityDeps& deps, const http::Request& r,
                                                       const SessionUser& u, const char* none,
                                                       const char* what) {
  auto body = parse_code_body(r, false, true);
  if (!body.ok()) return answer(body.problem());
  auto on = deps.totp->enabled(u.id);
  if (!on.ok()) return fail(on.error());
  if (!*on) return fail(Error(errc::totp_not_enabled, none, 409));
  return needs_current_code(deps, r, u, body->code, what);
}

std::string enrolment_json(const TotpEnrolment& e) {
  json::Writer w;
  w.begin_object()
      .kv("secret", e.secret_base32)
      .kv("otpauth_uri", e.uri)
      .kv("qr_svg", e.qr_svg)
      .kv("expires_at", timeutil::format_rfc3339(e.expires_ms * 1000))
      .end_object();
  return w.str();
}

void app_password_json(json::Writer& w, const AppPassword& p) {
  w.begin_object().kv("id", p.id).kv("name", p.name);
  time_or_null(w, "created_at", p.created_ms);
  time_or_null(w, "last_used_at", p.last_used_ms);
  w.key("last_ip");
  if (p.last_ip.empty())
    w.null();
  else
    w.value(p.last_ip);
  w.end_object();
}

// {name}: 1–64 printable characters.
BodyResult<std::string> parse_name_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  auto name = f.string("name", true, AppPasswordStore::kMaxName);
  if (name && text::trim(*name).empty()) f.add_problem("name", "must not be blank");
  f.reject_unknown({"name"});
  if (!f.ok()) return body_problem(f);
  return std::string(text::trim(*name));
}

std::string codes_json(const std::vector<std::string>& codes) {
  json::Writer w;
  w.begin_object().key("recovery_codes").begin_array();
  for (const auto& c : codes) w.value(c);
  w.end_array().kv("shown_once", true).end_object();
  return w.str();
}

}  // namespace

std::optional<http::Response> needs_code_if_enrolled(SecurityDeps& deps, const http::Request& r,
                                                     const SessionUser& u, const std::string& code,
                                                     const char* what) {
  auto on = deps.totp->enabled(u.id);
  if (!on.ok()) return fail(on.error());
  if (!*on) return std::nullopt;
  if (code.empty())
    return fail(Error(errc::code_required,
                      "An authenticator is set up: send a current code from it (or a recovery "
                      "code) as \"code\" to change this.",
                      403));
  return needs_current_code(deps, r, u, code, what);
}

bool has_method(const Challenge& c, const std::string& m) {
  return std::find(c.methods.begin(), c.methods.end(), m) != c.methods.end();
}

bool passkeys_available(const SecurityDeps& deps) {
  return deps.passkeys != nullptr && deps.webauthn != nullptr && deps.rp.has_value();
}

namespace {

// How many passkeys can answer a challenge of the user (0 while passkeys are not available).
Result<int64_t> usable_passkeys(SecurityDeps& deps, const std::string& user_id) {
  if (!passkeys_available(deps)) return int64_t{0};
  auto c = deps.passkeys->counts(user_id);
  if (!c.ok()) return c.error();
  return c->count;
}

}  // namespace

Result<SecondStep> second_step(SecurityDeps& deps, const SessionUser& user, const http::Request& r,
                               const std::string& device_id) {
  SecondStep out;
  auto totp_on = deps.totp->enabled(user.id);
  if (!totp_on.ok()) return totp_on.error();
  auto passkeys = usable_passkeys(deps, user.id);
  if (!passkeys.ok()) return passkeys.error();
  const bool on = *totp_on || *passkeys > 0;  // a second factor is set up
  const SessionOrigin origin{r.client_ip, r.header("User-Agent")};
  if (!on) {
    if (!factor_required(deps.policy, user.is_admin)) return out;
    const int64_t now = timeutil::now_unix_ms();
    auto started = deps.factors->grace_started(user.id, now);
    if (!started.ok()) return started.error();
    EnrolDecision d = enrol_decision(deps.policy, user.is_admin, *started, deps.grace_ms, now);
    if (!d.must_enrol) {
      out.enrol_by_ms = d.enrol_by_ms;
      return out;
    }
    // The grace period is over: the sign-in finishes by setting one up.
    auto c = deps.challenges->create(user, {"enrol_totp"}, origin, device_id);
    if (!c.ok()) return c.error();
    audit_best_effort(deps.audit, security_event("signin.challenge", user, origin.ip, "info",
                                                 {{"reason", "enrolment_required"}}));
    out.challenge = std::move(*c);
    return out;
  }
  if (deps.lan && deps.trusted_proxies && lan_bypass_applies(r, *deps.lan, *deps.trusted_proxies)) {
    out.skipped_by = "lan";
  } else if (deps.trusted && !device_id.empty()) {
    auto it = r.cookies.find(kTrustedCookie);
    if (it != r.cookies.end()) {
      auto known = deps.trusted->recognise(it->second, user.id, device_id, origin);
      if (!known.ok()) return known.error();
      if (*known) {
        out.skipped_by = "trusted_browser";
        out.cookie = trusted_cookie(deps, r, it->second);
      }
    }
  }
  if (!out.skipped_by.empty()) {
    audit_best_effort(deps.audit, security_event("signin.second_factor", user, origin.ip, "ok",
                                                 {{"skipped_by", out.skipped_by}}));
    return out;
  }
  std::vector<std::string> methods;
  if (*totp_on) methods = {"totp", "recovery"};
  if (*passkeys > 0) methods.emplace_back("passkey");
  auto by_email = email_factor_ready(deps, user.id);
  if (!by_email.ok()) return by_email.error();
  if (*by_email) methods.emplace_back("email");
  auto c = deps.challenges->create(user, methods, origin, device_id);
  if (!c.ok()) return c.error();
  audit_best_effort(deps.audit, security_event("signin.challenge", user, origin.ip, "info"));
  out.challenge = std::move(*c);
  return out;
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
               require_session(*deps.auth, [&deps](http::Request&, AuthContext& ctx) {
                 const auto& uid = ctx.session.user.id;
                 auto on = deps.totp->enabled(uid);
                 if (!on.ok()) return fail(on.error());
                 auto left = deps.factors->recovery_codes_left(uid);
                 if (!left.ok()) return fail(left.error());
                 auto apps = deps.app_passwords->list(uid);
                 if (!apps.ok()) return fail(apps.error());
                 auto email = deps.email ? deps.email->get(uid)
                                         : Result<std::optional<EmailAddress>>{std::nullopt};
                 if (!email.ok()) return fail(email.error());
                 auto browsers =
                     deps.trusted
                         ? deps.trusted->list(uid)
                         : Result<std::vector<TrustedBrowser>>{std::vector<TrustedBrowser>{}};
                 if (!browsers.ok()) return fail(browsers.error());
                 auto passkeys = deps.passkeys ? deps.passkeys->counts(uid)
                                               : Result<PasskeyCounts>{PasskeyCounts{}};
                 if (!passkeys.ok()) return fail(passkeys.error());
                 const bool passkeys_on = passkeys_available(deps);
                 // What the suite's policy asks of this user (second_factor_policy.h).
                 const bool required = factor_required(deps.policy, ctx.session.user.is_admin);
                 int64_t enrol_by = 0;
                 if (required && !*on && !(passkeys_on && passkeys->count > 0)) {
                   auto started = deps.factors->grace_started(uid, timeutil::now_unix_ms());
                   if (!started.ok()) return fail(started.error());
                   enrol_by = *started + deps.grace_ms;
                 }
                 json::Writer w;
                 w.begin_object()
                     .key("totp")
                     .begin_object()
                     .kv("enabled", *on)
                     .end_object()
                     .key("policy")
                     .begin_object()
                     .kv("name", factor_policy_name(deps.policy))
                     .kv("required", required);
                 time_or_null(w, "enrol_by", enrol_by);
                 w.end_object()
                     .kv("recovery_codes_left", *left)
                     .kv("app_passwords", static_cast<int64_t>(apps->size()))
                     .kv("trusted_browsers", static_cast<int64_t>(browsers->size()))
                     .key("email")
                     .begin_object();
                 if (*email)
                   w.kv("address", (*email)->address);
                 else
                   w.kv_null("address");
                 w.kv("confirmed", *email && (*email)->confirmed)
                     .kv("available", deps.smtp != nullptr && deps.email != nullptr)
                     .end_object()
                     .key("passkeys")
                     .begin_object()
                     .kv("count", passkeys->count)
                     .kv("passwordless_count", passkeys->passwordless)
                     .kv("available", passkeys_on)
                     .end_object()
                     .end_object();
                 return ok_json(w.str());
               }));

  server.route(
      "POST", "/api/v1/me/security/totp",
      require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
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
        return ok_json(enrolment_json(*e), 201);
      }));

  server.route("POST", "/api/v1/me/security/totp/confirm",
               require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 auto body = parse_code_body(r, false, true);
                 if (!body.ok()) return answer(body.problem());
                 if (auto no = refused(deps, r.client_ip, u)) return *no;
                 auto codes = deps.totp->confirm(u.id, body->code, timeutil::now_unix_ms() / 1000);
                 if (!codes.ok()) {
                   audit_best_effort(deps.audit,
                                     security_event("security.totp_enabled", u, r.client_ip, "fail",
                                                    {{"reason", codes.error().code}}));
                   return fail(codes.error());
                 }
                 audit_best_effort(deps.audit,
                                   security_event("security.totp_enabled", u, r.client_ip, "ok"));
                 return ok_json(codes_json(*codes));
               }));

  server.route("DELETE", "/api/v1/me/security/totp",
               require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 if (auto no = change_with_current_code(deps, r, u, "No authenticator is set up.",
                                                        "security.totp_disabled"))
                   return *no;
                 if (auto s = deps.totp->disable(u.id); !s.ok()) return fail(s.error());
                 // Remembered browsers skipped a factor that is gone; they go with it.
                 if (deps.trusted)
                   log::best_effort(deps.trusted->revoke_all(u.id),
                                    "forgetting remembered browsers");
                 audit_best_effort(deps.audit,
                                   security_event("security.totp_disabled", u, r.client_ip, "ok"));
                 return http::Response::no_content();
               }));

  server.route("POST", "/api/v1/me/security/recovery-codes",
               require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 if (auto no = change_with_current_code(
                         deps, r, u, "Recovery codes come with an authenticator; set one up first.",
                         "security.recovery_codes"))
                   return *no;
                 auto codes = recovery::generate();
                 if (auto s = deps.factors->set_recovery_codes(u.id, codes); !s.ok())
                   return fail(s.error());
                 audit_best_effort(deps.audit,
                                   security_event("security.recovery_codes", u, r.client_ip, "ok"));
                 return ok_json(codes_json(codes));
               }));

  server.route("GET", "/api/v1/me/security/app-passwords",
               require_session(*deps.auth, [&deps](http::Request&, AuthContext& ctx) {
                 auto list = deps.app_passwords->list(ctx.session.user.id);
                 if (!list.ok()) return fail(list.error());
                 json::Writer w;
                 w.begin_object().key("app_passwords").begin_array();
                 for (const auto& p : *list) app_password_json(w, p);
                 w.end_array().end_object();
                 return ok_json(w.str());
               }));

  server.route("POST", "/api/v1/me/security/app-passwords",
               require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 auto name = parse_name_body(r);
                 if (!name.ok()) return answer(name.problem());
                 auto made = deps.app_passwords->create(u, *name);
                 if (!made.ok()) return fail(made.error());
                 audit_best_effort(deps.audit,
                                   security_event("security.app_password_created", u, r.client_ip,
                                                  "ok", {{"name", *name}}));
                 json::Writer w;
                 w.begin_object()
                     .kv("id", made->info.id)
                     .kv("name", made->info.name)
                     .kv("created_at", timeutil::format_rfc3339(made->info.created_ms * 1000))
                     .kv("password", made->secret)
                     .kv("shown_once", true)
                     .end_object();
                 return ok_json(w.str(), 201);
               }));

  server.route(
      "DELETE", "/api/v1/me/security/app-passwords/{id}",
      require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
        const SessionUser& u = ctx.session.user;
        auto gone = deps.app_passwords->revoke(u.id, r.param("id"));
        if (!gone.ok()) return fail(gone.error());
        if (!*gone)
          return fail(
              Error(errc::app_password_not_found, "You have no app password with this id.", 404));
        audit_best_effort(deps.audit, security_event("security.app_password_revoked", u,
                                                     r.client_ip, "ok", {{"id", r.param("id")}}));
        return http::Response::no_content();
      }));

  server.route("GET", "/api/v1/me/security/trusted-browsers",
               require_session(*deps.auth, [&deps](http::Request&, AuthContext& ctx) {
                 auto list =
                     deps.trusted
                         ? deps.trusted->list(ctx.session.user.id)
                         : Result<std::vector<TrustedBrowser>>{std::vector<TrustedBrowser>{}};
                 if (!list.ok()) return fail(list.error());
                 json::Writer w;
                 w.begin_object().key("trusted_browsers").begin_array();
                 for (const auto& b : *list) {
                   w.begin_object().kv("id", b.id);
                   time_or_null(w, "created_at", b.created_ms);
                   time_or_null(w, "last_used_at", b.last_used_ms);
                   time_or_null(w, "expires_at", b.expires_ms);
                   w.kv("ip", b.ip).kv("user_agent", b.user_agent).end_object();
                 }
                 w.end_array().end_object();
                 return ok_json(w.str());
               }));

  auto forget = [&deps](http::Request& r, AuthContext& ctx) {
    const SessionUser& u = ctx.session.user;
    const std::string id = r.param("id");
    if (deps.trusted == nullptr)
      return fail(Error(errc::trusted_browser_not_found, "No browser is remembered.", 404));
    if (id.empty()) {
      auto n = deps.trusted->revoke_all(u.id);
      if (!n.ok()) return fail(n.error());
      audit_best_effort(deps.audit, security_event("security.browsers_forgotten", u, r.client_ip,
                                                   "ok", {{"count", std::to_string(*n)}}));
      return http::Response::no_content();
    }
    auto gone = deps.trusted->revoke(u.id, id);
    if (!gone.ok()) return fail(gone.error());
    if (!*gone)
      return fail(Error(errc::trusted_browser_not_found,
                        "No remembered browser of yours has this id (it may have expired).", 404));
    audit_best_effort(deps.audit, security_event("security.browsers_forgotten", u, r.client_ip,
                                                 "ok", {{"id", id}}));
    return http::Response::no_content();
  };
  server.route("DELETE", "/api/v1/me/security/trusted-browsers",
               require_session(*deps.auth, forget));
  server.route("DELETE", "/api/v1/me/security/trusted-browsers/{id}",
               require_session(*deps.auth, forget));

  server.route(
      "DELETE", "/api/v1/admin/users/{id}/second-factor",
      require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
        const SessionUser& admin = ctx.session.user;
        if (!admin.is_admin)
          return fail(Error(errc::admin_only,
                            "Only a suite administrator may reset another user's second factor.",
                            403));
        const std::string uid = r.param("id");
        if (!rnd::is_id128(uid))
          return fail(Error(errc::invalid_request,
                            "A user id is 32 lowercase hexadecimal digits (Jellyfin's user id).",
                            400));
        auto had = deps.totp->enabled(uid);
        if (!had.ok()) return fail(had.error());
        auto codes = deps.factors->recovery_codes_left(uid);
        if (!codes.ok()) return fail(codes.error());
        if (auto s = deps.totp->disable(uid); !s.ok()) return fail(s.error());
        log::best_effort(deps.factors->reset_grace(uid), "restarting the enrolment grace period");
        int64_t browsers = 0;
        if (deps.trusted) {
          auto n = deps.trusted->revoke_all(uid);
          if (!n.ok()) return fail(n.error());
          browsers = *n;
        }
        int64_t passkeys = 0;
        if (deps.passkeys) {
          auto n = deps.passkeys->remove_all(uid);
          if (!n.ok()) return fail(n.error());
          passkeys = *n;
        }
        audit_best_effort(deps.audit, AuditEvent{"admin.second_factor_reset",
                                                 uid,
                                                 "",
                                                 admin.id,
                                                 r.client_ip,
                                                 "ok",
                                                 {{"totp", *had ? "removed" : "none"},
                                                  {"recovery_codes", std::to_string(*codes)},
                                                  {"trusted_browsers", std::to_string(browsers)},
                                                  {"passkeys", std::to_string(passkeys)}}});
        json::Writer w;
        w.begin_object()
            .kv("user_id", uid)
            .kv("totp_removed", *had)
            .kv("recovery_codes_removed", *codes)
            .kv("trusted_browsers_removed", browsers)
            .kv("passkeys_removed", passkeys)
            .end_object();
        return ok_json(w.str());
      }));

  register_email_routes(server, deps);

  // A sign-in whose policy asks for a second factor the user has not set up:
  // the enrolment, through the challenge (its first code finishes the sign-in).
  server.route("POST", "/api/v1/auth/challenge/{id}/enrol", [&deps](http::Request& r) {
    auto c = deps.challenges->get(r.param("id"));
    if (!c.ok()) return fail(c.error());
    if (!*c || !has_method(**c, "enrol_totp"))
      return fail(Error(errc::challenge_not_found,
                        "No sign-in step that sets up an authenticator has this id; sign in again.",
                        404));
    const Challenge& ch = **c;
    if (auto no = refused(deps, r.client_ip, ch.user)) return *no;
    auto e = deps.totp->begin(ch.user.id, ch.user.name);
    if (!e.ok()) return fail(e.error());
    return ok_json(enrolment_json(*e), 201);
  });

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
    if (body->remember && (deps.trusted == nullptr || ch.device_id.empty()))
      return fail(Error(errc::invalid_request,
                        deps.trusted == nullptr
                            ? "\"remember\": remembered browsers are not available here."
                            : "\"remember\" needs the device_id sent with the sign-in (POST "
                              "/api/v1/auth/login); sign in again with one.",
                        400));
    const bool enrolling = has_method(ch, "enrol_totp");
    if (!has_method(ch, body->method) && !(enrolling && body->method == "totp"))
      return fail(Error(errc::invalid_request,
                        "This sign-in step takes: " + text::join(ch.methods, ", ") + ".", 400));
    if (auto no = refused(deps, r.client_ip, ch.user)) return *no;
    Result<bool> ok = false;
    std::optional<Error> refusal;        // a passkey's: which rule it failed
    std::vector<std::string> new_codes;  // enrolling: the recovery codes, shown once
    if (enrolling) {
      auto codes = deps.totp->confirm(ch.user.id, body->code, timeutil::now_unix_ms() / 1000);
      if (codes.ok()) {
        new_codes = std::move(*codes);
        ok = true;
        audit_best_effort(deps.audit, security_event("security.totp_enabled", ch.user, r.client_ip,
                                                     "ok", {{"during", "signin"}}));
      } else if (codes.error().code == errc::wrong_code) {
        ok = false;
      } else {
        ok = codes.error();
      }
    } else if (body->method == "totp") {
      ok = deps.totp->verify(ch.user.id, body->code, timeutil::now_unix_ms() / 1000);
    } else if (body->method == "email") {
      ok = ChallengeStore::email_code_matches(ch, body->code, timeutil::now_unix_ms());
    } else if (body->method == "passkey") {
      if (!passkeys_available(deps)) return fail(passkeys_not_configured());
      auto v = passkey_answers(deps, ch, *body->passkey);
      if (!v.ok()) return fail(v.error());
      if (v->refusal) refusal = v->refusal;
      ok = v->passkey.has_value();
    } else {
      ok = deps.factors->consume_recovery_code(ch.user.id, body->code);
    }
    if (!ok.ok()) return fail(ok.error());
    if (!*ok) {
      auto left = deps.challenges->wrong(ch.id);
      if (!left.ok()) return fail(left.error());
      std::vector<std::pair<std::string, std::string>> detail{
          {"method", body->method}, {"attempts_left", std::to_string(*left)}};
      if (refusal) detail.emplace_back("reason", refusal->code);
      audit_best_effort(deps.audit, security_event("signin.second_factor", ch.user, r.client_ip,
                                                   "fail", std::move(detail)));
      if (*left == 0) return gone();
      if (refusal && refusal->code == errc::passkey_counter_regressed) {
        Error e = *refusal;
        e.message +=
            " " + std::to_string(*left) + (*left == 1 ? " attempt is" : " attempts are") + " left.";
        return fail(e);
      }
      const std::string what = refusal ? "That passkey was not accepted (" + refusal->message + ")"
                                       : std::string("That code does not match");
      return fail(Error(errc::second_factor_failed,
                        what + "; " + std::to_string(*left) +
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
    audit_best_effort(deps.audit, security_event("signin.second_factor", ch.user, r.client_ip, "ok",
                                                 std::move(detail)));
    log::info("signed in", {{"user_id", ch.user.id}, {"second_factor", body->method}});
    http::Response resp = signed_in(*deps.auth, r, *s, nullptr, [&new_codes](json::Writer& w) {
      if (new_codes.empty()) return;
      w.key("recovery_codes").begin_array();
      for (const auto& c : new_codes) w.value(c);
      w.end_array();
    });
    if (body->remember) {
      auto cookie = deps.trusted->remember(ch.user, ch.device_id,
                                           SessionOrigin{r.client_ip, r.header("User-Agent")});
      if (cookie.ok()) {
        resp.cookies.push_back(trusted_cookie(deps, r, *cookie));
        audit_best_effort(deps.audit,
                          security_event("security.browser_trusted", ch.user, r.client_ip, "ok"));
      } else {  // the sign-in stands; the browser is asked again next time
        log::warn("could not remember the browser", {{"error", cookie.error().message}});
      }
    }
    return resp;
  });
}

}  // namespace jb::auth
