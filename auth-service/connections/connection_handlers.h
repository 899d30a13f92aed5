// connection_handlers.h — the connections API (all require a signed-in user;
// another user's connection id answers exactly like an unknown one: 404):
//   POST   /api/v1/connections                 {method, server_url, …}
//   GET    /api/v1/connections
//   GET    /api/v1/connections/{id}
//   PATCH  /api/v1/connections/{id}            {user_id}   (API-key connections)
//   POST   /api/v1/connections/{id}/verify
//   DELETE /api/v1/connections/{id}
//   GET    /api/v1/connections/{id}/users                  (API-key connections)
//
// Thread-safety: handlers run concurrently; all state is in the services.
#pragma once

#include "auth-service/connections/connection_service.h"
#include "auth-service/sessions/authenticator.h"
#include "common/http_server.h"

namespace jb::auth {

void register_connection_routes(http::Server& server, Authenticator& auth, ConnectionService& connections);

}  // namespace jb::auth
