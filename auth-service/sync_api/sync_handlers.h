// sync_handlers.h — the pairs and runs API (signed-in users; another user's
// pair or run answers 404 exactly like an unknown one):
//   POST/GET /api/v1/pairs, GET/PATCH/DELETE /api/v1/pairs/{id}
//   POST /api/v1/pairs/{id}/runs (start a run), GET /api/v1/pairs/{id}/runs (history)
//   GET /api/v1/runs/{id}, GET /api/v1/runs/{id}/items, GET /api/v1/runs/{id}/events (SSE),
//   POST /api/v1/runs/{id}/confirm (release a held run)
//
// Thread-safety: handlers run concurrently; state is in Redis.
#pragma once

#include "auth-service/connections/connection_store.h"
#include "auth-service/sessions/authenticator.h"
#include "auth-service/sync_api/event_hub.h"
#include "common/net/http_server.h"
#include "common/sync/store.h"

namespace jb::auth {

void register_sync_routes(http::Server& server, Authenticator& auth, ConnectionStore& connections,
                          sync::SyncStore& store, RunEventHub& hub);

}  // namespace jb::auth
