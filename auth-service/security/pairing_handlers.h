// pairing_handlers.h — device pairing in the API (issue 12; pairing_store.h
// has the model):
//   POST /api/v1/auth/pair                             {device_name, username?}: a device asks;
//                                                      201 {id, code, expires_at, state}
//   GET  /api/v1/auth/pair/{id}                        the device polls: pending | denied |
//                                                      expired, or approved with its session
//   GET  /api/v1/me/security/pairing                   devices waiting for your approval
//   POST /api/v1/me/security/pairing/approve           {code}: approve the device showing it
//   POST /api/v1/me/security/pairing/{id}/deny         deny a waiting device (its handle)
// Asking passes the edge's limiter per address (JB_PAIRING_IP_*; a banned
// address is refused like a Quick Connect start); every typed code passes it
// per user (JB_PAIRING_USER_*), so codes cannot be guessed. The approved
// device's session is made when it polls (its address and User-Agent are the
// session's origin), without a second factor: that is what pairing is for.
// Every step is audited (pairing.requested, security.pairing_approved,
// security.pairing_denied, signin.success with method "pairing") under the
// request's public handle; the polling id and the code never reach the audit
// log or the logs.
//
// Thread-safety: handlers run concurrently; all state is in the services.
#pragma once

#include "auth-service/audit/audit_log.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/security/pairing_store.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"

namespace jb::auth {

struct PairingDeps {
  Authenticator* auth = nullptr;
  PairingStore* store = nullptr;
  SignInGuard* guard = nullptr;  // null: no limits
  AuditLog* audit = nullptr;     // null: not recorded
};

void register_pairing_routes(http::Server& server, PairingDeps& deps);

}  // namespace jb::auth
