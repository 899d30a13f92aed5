// routes.h — every route of auth-service's public HTTP API, registered in one
// place (the OpenAPI document auth-service/openapi.json lists the same set; a
// test checks they agree).
//
// Thread-safety: call once before the server starts.
#pragma once

#include "auth-service/accounts/account_handlers.h"
#include "auth-service/accounts/bulk_handlers.h"
#include "auth-service/accounts/reset_handlers.h"
#include "auth-service/audit/audit_log.h"
#include "auth-service/connections/connection_service.h"
#include "auth-service/health/health.h"
#include "auth-service/me/contact_handlers.h"
#include "auth-service/messages/message_handlers.h"
#include "auth-service/notify/channel_handlers.h"
#include "auth-service/security/pairing_handlers.h"
#include "auth-service/sessions/auth_handlers.h"
#include "auth-service/sessions/authenticator.h"
#include "auth-service/sync_api/event_hub.h"
#include "auth-service/ui/web_bundle.h"
#include "common/core/metrics.h"
#include "common/net/http_server.h"
#include "common/net/rpc_pool.h"
#include "common/service/admin_routes.h"
#include "common/sync/store.h"

namespace jb::auth {

struct Deps {
  metrics::Registry* registry = nullptr;
  HealthState* health_state = nullptr;
  HealthChecker* health = nullptr;
  Authenticator* auth = nullptr;
  ConnectionService* connections = nullptr;
  SignInDeps* signin = nullptr;
  ConnectionStore* store = nullptr;
  RpcClientPool* library = nullptr;
  sync::SyncStore* sync = nullptr;
  RunEventHub* events = nullptr;
  AuditLog* audit = nullptr;
  PairingDeps* pairing = nullptr;             // device pairing (null: not served)
  ChannelDeps* channels = nullptr;            // notification channels (null: not served)
  int64_t max_pairs_per_user = 0;             // JB_MAX_PAIRS_PER_USER (0: no cap)
  const ui::WebBundle* web = nullptr;         // the web front end at / (null: not served)
  accounts::AccountDeps* accounts = nullptr;  // account management (null: not served)
  accounts::ResetDeps* resets = nullptr;      // password resets (null: not served)
  me::ContactDeps* contacts = nullptr;        // the user's own contact details (null: not served)
  MessageDeps* messages = nullptr;            // account messages' admin routes (null: not served)
  accounts::BulkDeps* bulk = nullptr;         // bulk actions on users (null: not served)
};

void register_routes(http::Server& server, Deps& deps);

}  // namespace jb::auth
