// edge_handlers.h — administrators' view of the edge's protection
// (signin_guard.h); every route needs a signed-in suite administrator
// (session user is_admin), anyone else gets 403 admin_only:
//   GET    /api/v1/admin/bans                 {bans: [{ip, until, since, failures, reason}]}
//   DELETE /api/v1/admin/bans/{ip}            lifts a ban (an IPv6 address lifts its /64)
//   GET    /api/v1/admin/lockouts             {lockouts: [{user, until, since, failures, ip, reason}]}
//   DELETE /api/v1/admin/lockouts/{username}  lifts a lockout (any case of the name)
// Lifting also refills the address's or the name's sign-in bucket. An
// unknown ban or lockout answers 404 not_found. Lifts are audited
// (ban.lifted, lockout.lifted, with the administrator as the actor).
//
// Thread-safety: handlers run concurrently; state is in Redis (SignInGuard).
#pragma once

#include "auth-service/audit/audit_log.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"

namespace jb::auth {

void register_edge_routes(http::Server& server, Authenticator& auth, SignInGuard& guard,
                          AuditLog* audit);

// The JSON of the admin lists (pure, for tests).
std::string bans_json(const std::vector<BanInfo>& bans);
std::string lockouts_json(const std::vector<LockoutInfo>& locks);

}  // namespace jb::auth
