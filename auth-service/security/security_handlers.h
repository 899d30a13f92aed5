// security_handlers.h — the second factor in the API (issue 12, part 1):
//   GET    /api/v1/me/security                       what the user has set up
//   POST   /api/v1/me/security/totp                  start enrolling an authenticator app
//   POST   /api/v1/me/security/totp/confirm          {code}: activate it; recovery codes, once
//   DELETE /api/v1/me/security/totp                  {code}: turn it off (a current code)
//   POST   /api/v1/me/security/recovery-codes        {code}: new recovery codes, once
//   POST   /api/v1/auth/challenge/{id}               {method, code}: the sign-in's second step
// and second_step(): what sign-in answers when the user has a second factor.
// Every second-factor attempt passes the edge's limiter (per address and per
// user) and is audited (signin.second_factor, security.*); codes never are.
//
// Thread-safety: handlers run concurrently; all state is in the services.
#pragma once

#include <optional>
#include <string>

#include "auth-service/api/io.h"
#include "auth-service/audit/audit_log.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/security/challenge_store.h"
#include "auth-service/security/second_factor_store.h"
#include "auth-service/security/totp_service.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"

namespace jb::auth {

struct SecurityDeps {
  Authenticator* auth = nullptr;
  TotpService* totp = nullptr;
  SecondFactorStore* factors = nullptr;
  ChallengeStore* challenges = nullptr;
  SignInGuard* guard = nullptr;  // null: no limits
  AuditLog* audit = nullptr;     // null: not recorded
};

void register_security_routes(http::Server& server, SecurityDeps& deps);

struct CodeBody {
  std::string method;  // "totp" | "recovery" ("" where only a code is asked for)
  std::string code;
};
// {code} or, with methods, {method, code}; a missing code is an error only when required.
BodyResult<CodeBody> parse_code_body(const http::Request& r, bool with_method, bool required);

// After a successful first step: nullopt when the user has no second factor (a
// session may be made), else the challenge to answer (audited).
Result<std::optional<Challenge>> second_step(SecurityDeps& deps, const SessionUser& user,
                                             const SessionOrigin& origin);
// The challenge as the API shows it: {"state": <state>?, "challenge": {id, methods, expires_at}}.
std::string challenge_json(const Challenge& c, const char* state = nullptr);

}  // namespace jb::auth
