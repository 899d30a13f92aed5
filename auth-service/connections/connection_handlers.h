// connection_handlers.h — the connections API (all require a signed-in user;
// another user's connection id answers exactly like an unknown one: 404):
//   POST   /api/v1/connections                 {method, server_url, …}
//   GET    /api/v1/connections
//   GET    /api/v1/connections/{id}
//   PATCH  /api/v1/connections/{id}            {user_id}   (API-key connections)
//   POST   /api/v1/connections/{id}/verify
//   DELETE /api/v1/connections/{id}[?cascade=pairs]
//          (409 connection_in_use naming the pairs that use it, unless
//          cascade=pairs deletes those pairs with it)
//   GET    /api/v1/connections/{id}/users                  (API-key connections)
//   POST   /api/v1/connections/{id}/quickconnect/authorize {code}
//          (signs a device in: approves its Quick Connect code at the
//          connection's server as the connection's user; answers
//          {server: {id, name, url}, user: {id, name}}; limited per user and
//          per connection by `guard`, audited as connection.device_authorized
//          with the code masked, which notifies the user's channels)
//
// Thread-safety: handlers run concurrently; all state is in the services.
#pragma once

#include "auth-service/audit/audit_log.h"
#include "auth-service/connections/connection_service.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"
#include "common/sync/store.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* connection_in_use = "connection_in_use";  // 409
}  // namespace jb::errc

namespace jb::auth {

// Creating and deleting a connection is recorded in `audit` (when set; best effort).
// Creating one is limited per user by `guard` (when set; 429 rate_limited).
void register_connection_routes(http::Server& server, Authenticator& auth,
                                ConnectionService& connections, sync::SyncStore& pairs,
                                AuditLog* audit = nullptr, SignInGuard* guard = nullptr);

// The pairs among `all` whose source or target is `connection_id`.
std::vector<sync::Pair> pairs_using(const std::vector<sync::Pair>& all,
                                    const std::string& connection_id);

}  // namespace jb::auth
