// routes.cpp — see routes.h.
#include "auth-service/routes.h"

#include "auth-service/accounts/expiry_handlers.h"
#include "auth-service/audit/audit_handlers.h"
#include "auth-service/connections/connection_handlers.h"
#include "auth-service/edge/edge_handlers.h"
#include "auth-service/libraries/library_handlers.h"
#include "auth-service/passkeys/passkey_handlers.h"
#include "auth-service/security/security_handlers.h"
#include "auth-service/sessions/session_handlers.h"
#include "auth-service/sync_api/sync_handlers.h"
#include "auth-service/ui/ui_routes.h"

namespace jb::auth {

void register_routes(http::Server& server, Deps& deps) {
  add_admin_routes(server, *deps.registry, *deps.health_state, "auth-service");
  server.route("GET", "/api/v1/health", [&deps](http::Request&) {
    return http::Response::json(200, health_json(deps.health->check()));
  });
  register_auth_routes(server, *deps.signin);
  if (deps.signin->security != nullptr) {
    register_security_routes(server, *deps.signin->security);
    register_passkey_routes(server, *deps.signin);
  }
  if (deps.pairing != nullptr) register_pairing_routes(server, *deps.pairing);
  if (deps.channels != nullptr) register_channel_routes(server, *deps.channels);
  register_session_routes(server, *deps.auth, deps.audit);
  register_connection_routes(server, *deps.auth, *deps.connections, *deps.sync, deps.audit,
                             deps.signin->guard);
  register_library_routes(server, *deps.auth, *deps.store, *deps.library);
  register_sync_routes(server, *deps.auth, *deps.store, *deps.sync, *deps.events, deps.audit,
                       deps.max_pairs_per_user);
  register_audit_routes(server, *deps.auth, *deps.audit);
  if (deps.signin->guard != nullptr)
    register_edge_routes(server, *deps.auth, *deps.signin->guard, deps.audit);
  if (deps.accounts != nullptr) accounts::register_account_routes(server, *deps.accounts);
  if (deps.accounts != nullptr) accounts::register_expiry_routes(server, *deps.accounts);
  if (deps.resets != nullptr) accounts::register_reset_routes(server, *deps.resets);
  if (deps.contacts != nullptr) me::register_contact_routes(server, *deps.contacts);
  if (deps.messages != nullptr) register_message_routes(server, *deps.messages);
  if (deps.bulk != nullptr) accounts::register_bulk_routes(server, *deps.bulk);
  if (deps.web != nullptr) ui::register_ui_routes(server, *deps.web);
}

}  // namespace jb::auth
