// security_handlers.h — the second factor in the API (issue 12, part 1):
//   GET    /api/v1/me/security                       what the user has set up
//   POST   /api/v1/me/security/totp                  start enrolling an authenticator app
//   POST   /api/v1/me/security/totp/confirm          {code}: activate it; recovery codes, once
//   DELETE /api/v1/me/security/totp                  {code}: turn it off (a current code)
//   POST   /api/v1/me/security/recovery-codes        {code}: new recovery codes, once
//   GET    /api/v1/me/security/app-passwords         the user's app passwords
//   POST   /api/v1/me/security/app-passwords         {name}: a new one, shown once
//   DELETE /api/v1/me/security/app-passwords/{id}    revoke one
//   GET    /api/v1/me/security/trusted-browsers      remembered browsers
//   DELETE /api/v1/me/security/trusted-browsers[/{id}]  forget one (or all)
//   DELETE /api/v1/admin/users/{id}/second-factor    an admin resets a user's second factor
//   POST   /api/v1/auth/challenge/{id}               {method, code | credential, remember?}: the
//                                                    second step
// (the email address and email codes: email_handlers.h; passkeys:
// passkeys/passkey_handlers.h — a passkey is a second factor of its own: a user
// with one and no authenticator app is asked for it, and "passkey" joins a
// challenge's methods while JB_PUBLIC_URL makes passkeys available)
// and second_step(): what sign-in answers when the user has a second factor
// (a challenge, unless a remembered browser or the LAN bypass lets it skip).
// Every second-factor attempt passes the edge's limiter (per address and per
// user) and is audited (signin.second_factor, security.*); codes never are.
// The /me/security routes need a session: an app password cannot change them.
//
// Thread-safety: handlers run concurrently; all state is in the services.
#pragma once

#include <optional>
#include <string>

#include "auth-service/api/io.h"
#include "auth-service/audit/audit_log.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/passkeys/passkey_bodies.h"
#include "auth-service/passkeys/passkey_store.h"
#include "auth-service/passkeys/webauthn.h"
#include "auth-service/passkeys/webauthn_challenges.h"
#include "auth-service/security/app_password_store.h"
#include "auth-service/security/challenge_store.h"
#include "auth-service/security/email_store.h"
#include "auth-service/security/second_factor_policy.h"
#include "auth-service/security/second_factor_store.h"
#include "auth-service/security/totp_service.h"
#include "auth-service/security/trusted_browsers.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/cidr.h"
#include "common/net/http_server.h"
#include "common/net/smtp_client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* code_required = "code_required";  // 403: a current code must come along
constexpr const char* app_password_not_for_signin = "app_password_not_for_signin";  // 400
}  // namespace jb::errc

namespace jb::auth {

struct SecurityDeps {
  Authenticator* auth = nullptr;
  TotpService* totp = nullptr;
  SecondFactorStore* factors = nullptr;
  ChallengeStore* challenges = nullptr;
  SignInGuard* guard = nullptr;  // null: no limits
  AuditLog* audit = nullptr;     // null: not recorded
  AppPasswordStore* app_passwords = nullptr;
  TrustedBrowserStore* trusted = nullptr;  // null: browsers are never remembered
  // The LAN bypass (JB_SECOND_FACTOR_LAN_BYPASS; lan_bypass.h): null lan = off.
  const net::CidrSet* lan = nullptr;
  const net::CidrSet* trusted_proxies = nullptr;
  // Email codes (email_handlers.h): both set, or email is off.
  EmailStore* email = nullptr;
  const SmtpClient* smtp = nullptr;
  std::string public_url{};                   // JB_PUBLIC_URL: the confirmation link's base
  int64_t email_code_ttl_ms = 5 * 60 * 1000;  // JB_EMAIL_CODE_TTL_S
  // Passkeys (passkeys/passkey_handlers.h): available when all three are set
  // (rp comes from JB_PUBLIC_URL).
  PasskeyStore* passkeys = nullptr;
  WebAuthnChallenges* webauthn = nullptr;
  std::optional<webauthn::RelyingParty> rp{};
  // Who must have a second factor (second_factor_policy.h).
  FactorPolicy policy = FactorPolicy::kOptional;
  int64_t grace_ms = 7LL * 24 * 3600 * 1000;
};

// What the second step of a sign-in is.
struct SecondStep {
  std::optional<Challenge> challenge;  // to be answered; else a session may be made
  std::string skipped_by;              // "trusted_browser" or "lan" when a factor was skipped
  std::optional<http::Cookie> cookie;  // the remembered browser's cookie, issued again
  int64_t enrol_by_ms = 0;  // the policy asks for a second factor the user has not set up yet
};

void register_security_routes(http::Server& server, SecurityDeps& deps);

struct CodeBody {
  std::string method;  // "totp" | "recovery" | "email" | "passkey" ("" where only a code is asked)
  std::string code;
  std::optional<AssertionCredential> passkey;  // method "passkey": the assertion instead of a code
  bool remember = false;                       // a challenge's answer: trust this browser
};
// {code} or, with methods, {method, code | credential, remember?}; a missing
// code is an error only when required (method "passkey" takes a credential instead).
BodyResult<CodeBody> parse_code_body(const http::Request& r, bool with_method, bool required);

// After a successful first step of request `r` (device_id: the client's, "" if
// unknown): no challenge when the user has no second factor or may skip it,
// else the challenge to answer (audited).
Result<SecondStep> second_step(SecurityDeps& deps, const SessionUser& user, const http::Request& r,
                               const std::string& device_id);
// Whether passkeys can be used here (JB_PUBLIC_URL is set).
bool passkeys_available(const SecurityDeps& deps);
// Whether challenge `c` takes method `m` (a challenge takes only its own methods).
bool has_method(const Challenge& c, const std::string& m);
// An audit event about user `u` from `ip` (security.*, signin.*).
AuditEvent security_event(std::string type, const SessionUser& u, const std::string& ip,
                          std::string outcome,
                          std::vector<std::pair<std::string, std::string>> detail = {});
// A change to how the user signs in (their email address): when they have an
// authenticator, it needs a current code (TOTP or recovery; limited and
// audited as `what`), so a stolen session cannot add a way around it.
// nullopt: go ahead; else the answer (403 code_required without a code).
std::optional<http::Response> needs_code_if_enrolled(SecurityDeps& deps, const http::Request& r,
                                                     const SessionUser& u, const std::string& code,
                                                     const char* what);
// The remembered browser's cookie (jb_trusted, trusted_browsers.h).
http::Cookie trusted_cookie(SecurityDeps& deps, const http::Request& r, const std::string& value);
// The challenge as the API shows it: {"state": <state>?, "challenge": {id, methods, expires_at}}.
std::string challenge_json(const Challenge& c, const char* state = nullptr);

}  // namespace jb::auth
