// library_handlers.h — the libraries API, answered by library-service over
// RPC after checking that the connection belongs to the caller (another
// user's connection id answers 404, exactly like an unknown one):
//   GET /api/v1/connections/{id}/libraries[?refresh=true]
//   GET /api/v1/connections/{id}/whitelist
//   PUT /api/v1/connections/{id}/whitelist      {library_ids: [...]}
//   GET /api/v1/connections/{id}/index
//   POST /api/v1/connections/{id}/index         {full: bool}   (refresh now)
//   GET /api/v1/connections/{id}/index/unmatched[?start=&count=]
//
// Thread-safety: handlers run concurrently; the RPC pool is thread-safe.
#pragma once

#include "auth-service/connections/connection_store.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"
#include "common/net/rpc_pool.h"

namespace jb::auth {

void register_library_routes(http::Server& server, Authenticator& auth, ConnectionStore& store,
                             RpcClientPool& library);

}  // namespace jb::auth
