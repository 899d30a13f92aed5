// passkey_handlers.cpp — see passkey_handlers.h.
#include "auth-service/passkeys/passkey_handlers.h"

#include <algorithm>

#include "auth-service/api/io.h"
#include "common/core/base64url.h"
#include "common/core/crypto.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/time.h"
#include "common/core/user_agent.h"
#include "common/jellyfin/errors.h"
#include "common/net/client_address.h"

namespace jb::auth {

namespace {

constexpr int64_t kTimeoutMs = WebAuthnChallenges::kLifetimeMs;  // the browser's prompt

Error challenge_gone() {
  return Error(errc::challenge_not_found,
               "This passkey challenge has expired (2 minutes) or was already used; start again.",
               404);
}

Error passkey_gone() {
  return Error(errc::passkey_not_found, "You have no passkey with this id.", 404);
}

// The user handle WebAuthn stores with a passkey: the suite user id's bytes.
std::string user_handle(const std::string& user_id) {
  return user_id;
}

void passkey_json(json::Writer& w, const Passkey& p) {
  w.begin_object().kv("id", p.id).kv("name", p.name);
  time_or_null(w, "created_at", p.created_ms);
  time_or_null(w, "last_used_at", p.last_used_ms);
  w.kv("passwordless", p.passwordless)
      .kv("backup_eligible", p.backup_eligible)
      .kv("backed_up", p.backed_up)
      .key("transports")
      .begin_array();
  for (const auto& t : p.transports) w.value(t);
  w.end_array().end_object();
}

std::string one_passkey_json(const Passkey& p) {
  json::Writer w;
  w.begin_object().key("passkey");
  passkey_json(w, p);
  w.end_object();
  return w.str();
}

// [{type, id, transports}] of the passkeys: excludeCredentials / allowCredentials.
void descriptors(json::Writer& w, const std::vector<Passkey>& list) {
  w.begin_array();
  for (const auto& p : list) {
    w.begin_object().kv("type", "public-key").kv("id", b64url::encode(p.credential_id));
    if (!p.transports.empty()) {
      w.key("transports").begin_array();
      for (const auto& t : p.transports) w.value(t);
      w.end_array();
    }
    w.end_object();
  }
  w.end_array();
}

// PublicKeyCredentialRequestOptions (JSON form) for `challenge`.
void request_options(json::Writer& w, const std::string& challenge, const std::string& rp_id,
                     const std::vector<Passkey>& allow, const char* user_verification) {
  w.key("publicKey")
      .begin_object()
      .kv("challenge", b64url::encode(challenge))
      .kv("rpId", rp_id)
      .kv("timeout", kTimeoutMs)
      .kv("userVerification", user_verification)
      .key("allowCredentials");
  descriptors(w, allow);
  w.end_object();
}

AuditEvent anonymous_event(std::string type, const std::string& ip, std::string outcome,
                           std::vector<std::pair<std::string, std::string>> detail) {
  return AuditEvent{std::move(type), "", "", "", ip, std::move(outcome), std::move(detail)};
}

// The sign-in with a passkey instead of the password, once the body is read.
http::Response passwordless_sign_in(SignInDeps& deps, http::Request& r,
                                    const PasskeySignInBody& body) {
  SecurityDeps& sec = *deps.security;
  const std::string& ip = r.client_ip;
  auto failed = [&](const std::string& reason, const std::string& user_id,
                    const std::string& user_name, std::optional<Error> answer = std::nullopt) {
    log::info("passkey sign-in failed", {{"reason", reason}});
    audit_best_effort(deps.audit, AuditEvent{"signin.failure",
                                             user_id,
                                             user_name,
                                             "",
                                             ip,
                                             "fail",
                                             {{"method", "passkey"}, {"reason", reason}}});
    if (deps.guard != nullptr) {
      auto fx = deps.guard->count_address_failure(ip);
      if (!fx.ok()) {
        log::best_effort(fx, "counting a failed passkey sign-in against its address");
      } else if (fx->banned_now) {
        audit_best_effort(deps.audit,
                          anonymous_event("ban", ip, "info",
                                          {{"banned_ip", net::client_key(ip)},
                                           {"failures", std::to_string(fx->ip_failures)}}));
      }
    }
    return fail(answer ? *answer : sign_in_failed_error());
  };
  if (deps.guard != nullptr) {
    auto no = deps.guard->admit_passkey_answer(ip);
    if (!no.ok()) return fail(no.error());
    if (*no) {
      audit_best_effort(deps.audit,
                        anonymous_event("signin.failure", ip, "fail",
                                        {{"method", "passkey"}, {"reason", (*no)->reason}}));
      return fail((*no)->error);
    }
  }
  auto ch = sec.webauthn->take(body.challenge_id, "signin");
  if (!ch.ok()) return fail(ch.error());
  if (!*ch) return fail(challenge_gone());
  PasskeyCheck check{(*ch)->challenge_sha256, true, true, ""};
  auto v = check_passkey(*sec.passkeys, *sec.rp, body.credential, check, timeutil::now_unix_ms());
  if (!v.ok()) return fail(v.error());
  if (v->refusal) {
    const bool cloned = v->refusal->code == errc::passkey_counter_regressed;
    return failed(v->refusal->code, "", "",
                  cloned ? std::optional<Error>(*v->refusal) : std::nullopt);
  }
  const Passkey& p = *v->passkey;
  std::string why;
  auto me = deps.home->resume(deps.home_url, p.user_id, ip, &why);
  if (!me.ok()) {
    if (!why.empty()) return failed(why, p.user_id, "", me.error());
    log::info("passkey sign-in could not reach the home server", {{"code", me.error().code}});
    return fail(home_error(me.error(), deps.home_url));
  }
  const SessionUser user{me->id, me->name, me->is_admin};
  auto s = deps.auth->store().create(user, SessionOrigin{ip, r.header("User-Agent")});
  if (!s.ok()) return fail(s.error());
  std::vector<std::pair<std::string, std::string>> detail{{"method", "passkey"}, {"passkey", p.id}};
  if (auto device = ua::device_label(r.header("User-Agent")); !device.empty())
    detail.emplace_back("device", device);
  audit_best_effort(deps.audit,
                    security_event("signin.success", user, ip, "ok", std::move(detail)));
  log::info("signed in", {{"user_id", user.id}, {"method", "passkey"}});
  return signed_in(*deps.auth, r, *s);
}

}  // namespace

Error passkeys_not_configured() {
  return Error(errc::passkeys_not_available,
               "Passkeys are not available: set JB_PUBLIC_URL to the address people open "
               "Jellybridge at (such as https://media.example.org); the passkeys' site comes "
               "from it.",
               503);
}

Result<PasskeyVerdict> passkey_answers(SecurityDeps& deps, const Challenge& ch,
                                       const AssertionCredential& cred) {
  const int64_t now = timeutil::now_unix_ms();
  if (ch.passkey_challenge_sha256.empty() || now >= ch.passkey_expires_ms) {
    PasskeyVerdict v;
    v.refusal = Error(errc::passkey_challenge_mismatch,
                      "no passkey challenge is pending for this sign-in (POST "
                      "/api/v1/auth/challenge/{id}/passkey first)",
                      400);
    return v;
  }
  PasskeyCheck check{ch.passkey_challenge_sha256, false, false, ch.user.id};
  return check_passkey(*deps.passkeys, *deps.rp, cred, check, now);
}

void register_passkey_routes(http::Server& server, SignInDeps& deps) {
  SecurityDeps& sec = *deps.security;

  server.route(
      "POST", "/api/v1/me/security/passkeys/options",
      require_session(*sec.auth, [&sec](http::Request& r, AuthContext& ctx) {
        const SessionUser& u = ctx.session.user;
        auto body = parse_passkey_options_body(r);
        if (!body.ok()) return answer(body.problem());
        if (!passkeys_available(sec)) return fail(passkeys_not_configured());
        if (auto no = needs_code_if_enrolled(sec, r, u, body->code, "passkey.added")) return *no;
        auto existing = sec.passkeys->list(u.id);
        if (!existing.ok()) return fail(existing.error());
        if (static_cast<int64_t>(existing->size()) >= PasskeyStore::kMaxPerUser)
          return fail(Error(errc::passkey_limit,
                            "You have " + std::to_string(PasskeyStore::kMaxPerUser) +
                                " passkeys already; remove one you no longer use first.",
                            409));
        auto c = sec.webauthn->create("register", u.id, body->passwordless);
        if (!c.ok()) return fail(c.error());
        const char* level = body->passwordless ? "required" : "preferred";
        json::Writer w;
        w.begin_object()
            .kv("challenge_id", c->id)
            .key("publicKey")
            .begin_object()
            .kv("challenge", b64url::encode(c->challenge))
            .key("rp")
            .begin_object()
            .kv("id", sec.rp->id)
            .kv("name", "Jellybridge")
            .end_object()
            .key("user")
            .begin_object()
            .kv("id", b64url::encode(user_handle(u.id)))
            .kv("name", u.name)
            .kv("displayName", u.name)
            .end_object()
            .key("pubKeyCredParams")
            .begin_array();
        for (int64_t alg : {webauthn::kAlgES256, webauthn::kAlgRS256})
          w.begin_object().kv("type", "public-key").kv("alg", alg).end_object();
        w.end_array().kv("timeout", kTimeoutMs).kv("attestation", "none").key("excludeCredentials");
        descriptors(w, *existing);
        w.key("authenticatorSelection")
            .begin_object()
            .kv("residentKey", level)
            .kv("requireResidentKey", body->passwordless)
            .kv("userVerification", level)
            .end_object()
            .end_object()
            .end_object();
        return ok_json(w.str());
      }));

  server.route(
      "POST", "/api/v1/me/security/passkeys",
      require_session(*sec.auth, [&sec](http::Request& r, AuthContext& ctx) {
        const SessionUser& u = ctx.session.user;
        auto body = parse_passkey_register_body(r);
        if (!body.ok()) return answer(body.problem());
        if (!passkeys_available(sec)) return fail(passkeys_not_configured());
        auto c = sec.webauthn->take(body->challenge_id, "register");
        if (!c.ok()) return fail(c.error());
        if (!*c || (*c)->user_id != u.id) return fail(challenge_gone());
        auto refused = [&](const Error& e) {
          audit_best_effort(sec.audit, security_event("passkey.added", u, r.client_ip, "fail",
                                                      {{"reason", e.code}}));
          return fail(e);
        };
        webauthn::Expected ex{(*c)->challenge_sha256, *sec.rp, (*c)->passwordless};
        auto cred = webauthn::verify_registration(body->credential.client_data_json,
                                                  body->credential.attestation_object, ex);
        if (!cred.ok()) return refused(cred.error());
        if (cred->credential_id != body->credential.id)
          return refused(Error(errc::passkey_malformed,
                               "The passkey's data is unreadable: the credential id in the "
                               "authenticator data is not the one sent.",
                               400));
        Passkey p;
        p.user_id = u.id;
        p.name = body->name;
        p.credential_id = cred->credential_id;
        p.key = cred->key;
        p.sign_count = cred->sign_count;
        p.passwordless = (*c)->passwordless;
        p.backup_eligible = cred->backup_eligible;
        p.backed_up = cred->backed_up;
        p.transports = body->credential.transports;
        p.created_ms = timeutil::now_unix_ms();
        auto added = sec.passkeys->add(std::move(p));
        if (!added.ok()) return refused(added.error());
        audit_best_effort(sec.audit,
                          security_event("passkey.added", u, r.client_ip, "ok",
                                         {{"id", added->id},
                                          {"name", added->name},
                                          {"passwordless", added->passwordless ? "true" : "false"},
                                          {"attestation", cred->fmt}}));
        return ok_json(one_passkey_json(*added), 201);
      }));

  server.route("GET", "/api/v1/me/security/passkeys",
               require_session(*sec.auth, [&sec](http::Request&, AuthContext& ctx) {
                 if (!passkeys_available(sec)) return fail(passkeys_not_configured());
                 auto list = sec.passkeys->list(ctx.session.user.id);
                 if (!list.ok()) return fail(list.error());
                 json::Writer w;
                 w.begin_object().key("passkeys").begin_array();
                 for (const auto& p : *list) passkey_json(w, p);
                 w.end_array().end_object();
                 return ok_json(w.str());
               }));

  server.route(
      "PATCH", "/api/v1/me/security/passkeys/{id}",
      require_session(*sec.auth, [&sec](http::Request& r, AuthContext& ctx) {
        const SessionUser& u = ctx.session.user;
        auto body = parse_passkey_patch_body(r);
        if (!body.ok()) return answer(body.problem());
        if (!passkeys_available(sec)) return fail(passkeys_not_configured());
        const std::string id = r.param("id");
        auto p = sec.passkeys->get(u.id, id);
        if (!p.ok()) return fail(p.error());
        if (!*p) return fail(passkey_gone());
        // Letting a passkey replace the password is a new way to sign in.
        if (body->passwordless.value_or(false) && !(*p)->passwordless)
          if (auto no = needs_code_if_enrolled(sec, r, u, body->code, "passkey.passwordless"))
            return *no;
        auto done = sec.passkeys->update(u.id, id, body->name, body->passwordless);
        if (!done.ok()) return fail(done.error());
        if (!*done) return fail(passkey_gone());
        if (body->name && *body->name != (*p)->name)
          audit_best_effort(sec.audit, security_event("passkey.renamed", u, r.client_ip, "ok",
                                                      {{"id", id}, {"name", *body->name}}));
        if (body->passwordless && *body->passwordless != (*p)->passwordless)
          audit_best_effort(
              sec.audit,
              security_event(
                  "passkey.passwordless", u, r.client_ip, "ok",
                  {{"id", id}, {"passwordless", *body->passwordless ? "true" : "false"}}));
        Passkey now = **p;
        if (body->name) now.name = *body->name;
        if (body->passwordless) now.passwordless = *body->passwordless;
        return ok_json(one_passkey_json(now));
      }));

  server.route("DELETE", "/api/v1/me/security/passkeys/{id}",
               require_session(*sec.auth, [&sec](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 if (!passkeys_available(sec)) return fail(passkeys_not_configured());
                 const std::string id = r.param("id");
                 auto p = sec.passkeys->get(u.id, id);
                 if (!p.ok()) return fail(p.error());
                 if (!*p) return fail(passkey_gone());
                 auto gone = sec.passkeys->remove(u.id, id);
                 if (!gone.ok()) return fail(gone.error());
                 if (!*gone) return fail(passkey_gone());
                 audit_best_effort(sec.audit,
                                   security_event("passkey.removed", u, r.client_ip, "ok",
                                                  {{"id", id}, {"name", (*p)->name}}));
                 return http::Response::no_content();
               }));

  // The second factor: options bound to the sign-in challenge.
  server.route("POST", "/api/v1/auth/challenge/{id}/passkey", [&sec](http::Request& r) {
    auto c = sec.challenges->get(r.param("id"));
    if (!c.ok()) return fail(c.error());
    if (!*c || !has_method(**c, "passkey"))
      return fail(Error(errc::challenge_not_found,
                        "No sign-in step that takes a passkey has this id; sign in again.", 404));
    if (!passkeys_available(sec)) return fail(passkeys_not_configured());
    const Challenge& ch = **c;
    auto list = sec.passkeys->list(ch.user.id);
    if (!list.ok()) return fail(list.error());
    const std::string challenge = rnd::bytes(WebAuthnChallenges::kBytes);
    const int64_t expires =
        std::min(timeutil::now_unix_ms() + WebAuthnChallenges::kLifetimeMs, ch.expires_ms);
    auto set = sec.challenges->set_passkey_challenge(ch.id, crypto::sha256_hex(challenge), expires);
    if (!set.ok()) return fail(set.error());
    if (!*set)
      return fail(Error(errc::challenge_not_found,
                        "This sign-in step has expired, was already used or had too many wrong "
                        "codes; sign in again.",
                        404));
    json::Writer w;
    w.begin_object();
    request_options(w, challenge, sec.rp->id, *list, "preferred");
    w.end_object();
    return ok_json(w.str());
  });

  // Instead of the password.
  server.route("POST", "/api/v1/auth/passkey/options", [&deps, &sec](http::Request& r) {
    if (!passkeys_available(sec)) return fail(passkeys_not_configured());
    if (deps.home_url.empty()) return fail(no_home());
    if (deps.guard != nullptr) {
      auto no = deps.guard->admit_passkey_options(r.client_ip);
      if (!no.ok()) return fail(no.error());
      if (*no) {
        audit_best_effort(deps.audit,
                          anonymous_event("signin.failure", r.client_ip, "fail",
                                          {{"method", "passkey"}, {"reason", (*no)->reason}}));
        return fail((*no)->error);
      }
    }
    auto c = sec.webauthn->create("signin");
    if (!c.ok()) return fail(c.error());
    json::Writer w;
    w.begin_object().kv("challenge_id", c->id);
    request_options(w, c->challenge, sec.rp->id, {}, "required");
    w.end_object();
    return ok_json(w.str());
  });

  server.route("POST", "/api/v1/auth/passkey", [&deps, &sec](http::Request& r) {
    auto body = parse_passkey_sign_in_body(r);
    if (!body.ok()) return answer(body.problem());
    if (!passkeys_available(sec)) return fail(passkeys_not_configured());
    if (deps.home_url.empty()) return fail(no_home());
    return passwordless_sign_in(deps, r, *body);
  });
}

}  // namespace jb::auth
