// auth_handlers.h — the sign-in API: POST /api/v1/auth/login,
// POST /api/v1/auth/logout, GET /api/v1/me, POST /api/v1/auth/quickconnect,
// GET /api/v1/auth/quickconnect/{id}. Identity comes from the home Jellyfin
// server (JB_JELLYFIN_URL).
//
// Thread-safety: handlers run concurrently; all state is in the services.
#pragma once

#include <functional>
#include <string>

#include "auth-service/audit/audit_log.h"
#include "auth-service/connections/home_signin.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/security/security_handlers.h"
#include "auth-service/sessions/authenticator.h"
#include "auth-service/sessions/quickconnect_signin.h"
#include "common/net/http_server.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* home_server_not_configured = "home_server_not_configured";  // 503
}  // namespace jb::errc

namespace jb::auth {

struct SignInDeps {
  std::string home_url;  // normalised JB_JELLYFIN_URL ("" = not configured)
  Authenticator* auth = nullptr;
  HomeSignInService* home = nullptr;
  QuickConnectSignIn* quickconnect = nullptr;
  SignInGuard* guard = nullptr;      // rate limits, lockout, bans (edge/signin_guard.h); null: none
  AuditLog* audit = nullptr;         // sign-in events (null: not recorded)
  SecurityDeps* security = nullptr;  // second factors (null: sign-in is one step)
};

void register_auth_routes(http::Server& server, SignInDeps& deps);

// The answer of a completed sign-in: 200 {state?, user, session{token,
// expires_at, csrf_token}} and the session cookie ("state" only when given:
// a polled sign-in such as Quick Connect or device pairing).
http::Response signed_in(Authenticator& auth, const http::Request& req, const Session& s,
                         const char* state = nullptr,
                         const std::function<void(json::Writer&)>& more = nullptr);

// 503 home_server_not_configured: JB_JELLYFIN_URL is not set.
Error no_home();
// Sign-in errors: an unreachable home server is a 503 with a clear detail.
Error home_error(const Error& e, const std::string& home_url);

}  // namespace jb::auth
