// sync_handlers.h — the pairs and runs API (signed-in users; another user's
// pair or run answers 404 exactly like an unknown one):
//   POST/GET /api/v1/pairs, GET/PATCH/DELETE /api/v1/pairs/{id}
//   POST /api/v1/pairs/{id}/runs (start a run), GET /api/v1/pairs/{id}/runs (history)
//   GET /api/v1/runs/{id}, GET /api/v1/runs/{id}/items, GET /api/v1/runs/{id}/events (SSE),
//   POST /api/v1/runs/{id}/confirm (release a held run)
//
// Thread-safety: handlers run concurrently; state is in Redis.
#pragma once

#include "auth-service/audit/audit_log.h"
#include "auth-service/connections/connection_store.h"
#include "auth-service/sessions/authenticator.h"
#include "auth-service/sync_api/event_hub.h"
#include "common/net/http_server.h"
#include "common/sync/store.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* pair_connection_missing = "pair_connection_missing";  // 409
constexpr const char* run_in_progress = "run_in_progress";                  // 409
constexpr const char* run_not_held = "run_not_held";                        // 409
constexpr const char* too_many_event_streams = "too_many_event_streams";    // 429
constexpr const char* event_streams_exhausted = "event_streams_exhausted";  // 503
}  // namespace jb::errc

namespace jb::auth {

// Creating, editing and deleting a pair is recorded in `audit` (when set; best effort).
void register_sync_routes(http::Server& server, Authenticator& auth, ConnectionStore& connections,
                          sync::SyncStore& store, RunEventHub& hub, AuditLog* audit = nullptr,
                          int64_t max_pairs_per_user = 0);  // 0: no cap (edge/user_caps.h)

}  // namespace jb::auth
