// email_handlers.h — email as a second factor in the API (issue 12, "Email codes"):
//   PUT    /api/v1/me/security/email              {address}: set it unconfirmed, email a link
//   GET    /api/v1/me/security/email/confirm?token=…   the link: confirm the address
//   POST   /api/v1/me/security/email/confirm      {token}: the same for an app
//   DELETE /api/v1/me/security/email              remove the address
//   POST   /api/v1/auth/challenge/{id}/email      email a sign-in code for the challenge
// A confirmed address (with email configured: JB_SMTP_URL) adds "email" to a
// challenge's methods; POST /api/v1/auth/challenge/{id} then takes
// {"method":"email","code":"123456"} (security_handlers.cpp).
//
// The sign-in code: 6 uniform digits (common/core/random.h), bound to the
// challenge (kept hashed in the challenge's record), valid JB_EMAIL_CODE_TTL_S
// (300 s), single use (answering uses the challenge up), compared in constant
// time; a new send replaces the previous code; a wrong one counts towards the
// challenge's 5 wrong attempts. Every email (code or confirmation link) passes
// the edge's limits per user and per recipient (JB_EMAIL_CODE_USER_*,
// JB_EMAIL_CODE_ADDRESS_*: 429 rate_limited with Retry-After). Sending waits
// at most JB_SMTP_TIMEOUT_MS; a failure answers 502 email_send_failed (the
// details are logged, never the code), and the challenge can still be answered
// with another method. Changing the address needs a session (not an app
// password); the confirmation link needs none (the token is the credential)
// and answers JSON {"email": {address, confirmed}} to both GET and POST. Codes
// and tokens are never logged nor audited.
//
// Thread-safety: handlers run concurrently; all state is in the services.
#pragma once

#include <string>

#include "auth-service/security/security_handlers.h"
#include "common/net/http_server.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* email_not_available = "email_not_available";  // 409/503: no email here
constexpr const char* email_send_failed = "email_send_failed";      // 502: the mail server failed
constexpr const char* email_token_invalid = "email_token_invalid";  // 400: bad or used link
}  // namespace jb::errc

namespace jb::auth {

void register_email_routes(http::Server& server, SecurityDeps& deps);

// 503 email_not_available: no mail server is configured (JB_SMTP_URL); also
// what an email notification channel answers then.
Error email_not_configured();
// Whether the user may receive sign-in codes: email is configured and the
// user's address is confirmed.
Result<bool> email_factor_ready(SecurityDeps& deps, const std::string& user_id);

}  // namespace jb::auth
