// session_handlers.h — a signed-in user's own suite sessions:
//   GET    /api/v1/sessions       {sessions: [{id, created_at, last_used_at, expires_at, ip,
//                                  user_agent, current}]}, oldest first; `id` is a public
//                                  handle (session_store.h), never the token
//   DELETE /api/v1/sessions/{id}  ends one of the caller's sessions (204; another user's id
//                                  or an unknown one: 404 not_found); ending the current one
//                                  also clears the cookie
//   DELETE /api/v1/sessions       ends every session of the caller but the current one
//                                  ("sign out everywhere else") → {revoked: n}
// Cookie-authenticated DELETEs need X-CSRF-Token (require_auth). Revocations
// reach every replica at once (SessionStore's Pub/Sub) and are audited as
// `session.revoked` (reason `user`, count).
//
// Thread-safety: handlers run concurrently; state is in Redis (SessionStore).
#pragma once

#include "auth-service/audit/audit_log.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"

namespace jb::auth {

void register_session_routes(http::Server& server, Authenticator& auth, AuditLog* audit);

}  // namespace jb::auth
