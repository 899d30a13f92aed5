// email_handlers.cpp — see email_handlers.h.
#include "auth-service/security/email_handlers.h"

#include "auth-service/api/io.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {

bool email_on(const SecurityDeps& deps) {
  return deps.email != nullptr && deps.smtp != nullptr;
}

// "d***@example.org": enough for the user to recognise, little for anyone else.
std::string masked(const std::string& address) {
  return masked_mail_addr(address);
}

// The edge's limits for an email to `address`: the refusal to answer, if any (audited).
std::optional<http::Response> email_refused(SecurityDeps& deps, const std::string& ip,
                                            const SessionUser& u, const std::string& address,
                                            const char* what) {
  if (deps.guard == nullptr) return std::nullopt;
  auto r = deps.guard->admit_email(ip, u.id, address);
  if (!r.ok()) return fail(r.error());
  if (!*r) return std::nullopt;
  audit_best_effort(deps.audit, security_event(what, u, ip, "fail", {{"reason", (*r)->reason}}));
  return fail((*r)->error);
}

// Sends `m`; a failure is logged with its details (never the message) and
// answered as email_send_failed.
std::optional<http::Response> send_or_fail(SecurityDeps& deps, const SessionUser& u,
                                           const std::string& ip, MailMessage m, const char* what,
                                           const char* other_way) {
  auto sent = deps.smtp->send(std::move(m));
  if (sent.ok()) return std::nullopt;
  log::warn("email not sent",
            {{"user_id", u.id}, {"code", sent.error().code}, {"error", sent.error().message}});
  audit_best_effort(deps.audit,
                    security_event(what, u, ip, "fail", {{"reason", sent.error().code}}));
  return fail(Error(
      errc::email_send_failed,
      std::string("The email could not be sent (the mail server did not take it); ") + other_way,
      502));
}

struct AddressBody {
  std::string address;  // a plain local@domain address
  std::string code;     // a current code, when the user has an authenticator
};

// {address, code?}
BodyResult<AddressBody> parse_address_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  auto a = f.string("address", true, EmailStore::kMaxAddress);
  std::string address = a ? std::string(text::trim(*a)) : "";
  if (a && !valid_mail_addr(address)) f.add_problem("address", "must be an email address");
  auto code = f.string("code", false, 64);
  f.reject_unknown({"address", "code"});
  if (!f.ok()) return body_problem(f);
  return AddressBody{address, code.value_or("")};
}

http::Response confirm(SecurityDeps& deps, const http::Request& r, const std::string& token) {
  auto done = deps.email->confirm(token);
  if (!done.ok()) return fail(done.error());
  if (!*done)
    return fail(Error(errc::email_token_invalid,
                      "This confirmation link is not valid: it was already used, has expired "
                      "(24 hours) or the address was changed since. Set the address again.",
                      400));
  audit_best_effort(deps.audit, AuditEvent{"security.email_confirmed",
                                           (*done)->user_id,
                                           "",
                                           "",
                                           r.client_ip,
                                           "ok",
                                           {{"address", masked((*done)->address)}}});
  json::Writer w;
  w.begin_object()
      .key("email")
      .begin_object()
      .kv("address", (*done)->address)
      .kv("confirmed", true)
      .end_object()
      .end_object();
  return ok_json(w.str());
}

}  // namespace

Error email_not_configured() {
  return Error(errc::email_not_available,
               "Email is not configured on this server (JB_SMTP_URL); use another method.", 503);
}

Result<bool> email_factor_ready(SecurityDeps& deps, const std::string& user_id) {
  if (!email_on(deps)) return false;
  auto a = deps.email->get(user_id);
  if (!a.ok()) return a.error();
  return *a && (*a)->confirmed;
}

void register_email_routes(http::Server& server, SecurityDeps& deps) {
  server.route(
      "PUT", "/api/v1/me/security/email",
      require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
        const SessionUser& u = ctx.session.user;
        auto body = parse_address_body(r);
        if (!body.ok()) return answer(body.problem());
        if (!email_on(deps)) return fail(email_not_configured());
        const std::string* address = &body->address;
        if (auto no = needs_code_if_enrolled(deps, r, u, body->code, "security.email_set"))
          return *no;
        if (auto no = email_refused(deps, r.client_ip, u, *address, "security.email_set"))
          return *no;
        auto token = deps.email->set(u.id, *address);
        if (!token.ok()) return fail(token.error());
        const std::string link =
            deps.public_url + "/api/v1/me/security/email/confirm?token=" + *token;
        MailMessage m;
        m.to = *address;
        m.subject = "Confirm your email address for Jellybridge";
        m.body = "Hello " + u.name +
                 ",\n\nTo receive Jellybridge sign-in codes at this address, open this link:\n\n" +
                 link +
                 "\n\nThe link works once, for 24 hours. If you did not ask for this, ignore "
                 "this email.\n";
        if (auto no = send_or_fail(deps, u, r.client_ip, std::move(m), "security.email_set",
                                   "try again later."))
          return *no;
        audit_best_effort(deps.audit, security_event("security.email_set", u, r.client_ip, "ok",
                                                     {{"address", masked(*address)}}));
        json::Writer w;
        w.begin_object()
            .key("email")
            .begin_object()
            .kv("address", *address)
            .kv("confirmed", false)
            .end_object()
            .kv("confirmation_sent", true)
            .end_object();
        return ok_json(w.str(), 202);
      }));

  server.route("GET", "/api/v1/me/security/email/confirm", [&deps](http::Request& r) {
    if (deps.email == nullptr) return fail(email_not_configured());
    return confirm(deps, r, r.query_param("token").value_or(""));
  });
  server.route("POST", "/api/v1/me/security/email/confirm", [&deps](http::Request& r) {
    if (deps.email == nullptr) return fail(email_not_configured());
    auto body = read_json_body(r);
    if (!body.ok()) return answer(body_problem(body.error()));
    json::Fields f(*body);
    auto token = f.string("token", true, 128);
    f.reject_unknown({"token"});
    if (!f.ok()) return answer(body_problem(f));
    return confirm(deps, r, *token);
  });

  server.route("DELETE", "/api/v1/me/security/email",
               require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 if (deps.email != nullptr) {
                   auto gone = deps.email->remove(u.id);
                   if (!gone.ok()) return fail(gone.error());
                   if (*gone)
                     audit_best_effort(deps.audit, security_event("security.email_removed", u,
                                                                  r.client_ip, "ok"));
                 }
                 return http::Response::no_content();
               }));

  server.route("POST", "/api/v1/auth/challenge/{id}/email", [&deps](http::Request& r) {
    auto c = deps.challenges->get(r.param("id"));
    if (!c.ok()) return fail(c.error());
    if (!*c)
      return fail(Error(errc::challenge_not_found,
                        "This sign-in step has expired, was already used or had too many wrong "
                        "codes; sign in again.",
                        404));
    const Challenge& ch = **c;
    if (!email_on(deps) || !has_method(ch, "email"))
      return fail(Error(errc::email_not_available,
                        "This sign-in cannot be finished with an email code (no confirmed address "
                        "when it began); use another method.",
                        409));
    auto address = deps.email->get(ch.user.id);
    if (!address.ok()) return fail(address.error());
    if (!*address || !(*address)->confirmed)
      return fail(Error(errc::email_not_available,
                        "The account has no confirmed email address any more; use another method.",
                        409));
    const std::string to = (*address)->address;
    if (auto no = email_refused(deps, r.client_ip, ch.user, to, "signin.email_code")) return *no;
    std::string code = std::to_string(rnd::uniform(1000000));
    code.insert(0, 6 - code.size(), '0');
    const int64_t expires_ms =
        std::min(timeutil::now_unix_ms() + deps.email_code_ttl_ms, ch.expires_ms);
    auto bound = deps.challenges->set_email_code(ch.id, code, expires_ms);
    if (!bound.ok()) return fail(bound.error());
    if (!*bound)
      return fail(Error(errc::challenge_not_found,
                        "This sign-in step has just ended; sign in again.", 404));
    MailMessage m;
    m.to = to;
    m.subject = "Your Jellybridge sign-in code";
    m.body =
        "Your sign-in code is: " + code + "\n\nIt works once, for " +
        std::to_string(deps.email_code_ttl_ms / 60000 > 0 ? deps.email_code_ttl_ms / 60000 : 1) +
        " minute(s), to finish the sign-in of " + ch.user.name + " from " + r.client_ip +
        ". If it was not you, change your password.\n";
    if (auto no = send_or_fail(deps, ch.user, r.client_ip, std::move(m), "signin.email_code",
                               "finish the sign-in with another method."))
      return *no;
    audit_best_effort(deps.audit, security_event("signin.email_code", ch.user, r.client_ip, "ok",
                                                 {{"address", masked(to)}}));
    json::Writer w;
    w.begin_object()
        .kv("sent_to", masked(to))
        .kv("expires_at", timeutil::format_rfc3339(expires_ms * 1000))
        .end_object();
    return ok_json(w.str(), 202);
  });
}

}  // namespace jb::auth
