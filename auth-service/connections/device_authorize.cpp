// device_authorize.cpp — ConnectionService::authorize_device (connection_service.h):
// approving another device's Quick Connect code with a connection's credentials.
#include "auth-service/connections/connection_service.h"
#include "auth-service/connections/device_code.h"
#include "common/core/log.h"
#include "common/core/time.h"

namespace jb::auth {

Result<Connection> ConnectionService::authorize_device(const std::string& owner,
                                                       const std::string& id,
                                                       const std::string& code) {
  auto found = store_.get_owned(id, owner);
  if (!found.ok()) return found.error();
  if (!found->has_value())
    return Error(errc::not_found, "You have no connection with id '" + id + "'.", 404);
  Connection c = **found;
  if (c.token_sealed.empty() || c.jf_user_id.empty())
    return Error(errc::connection_not_ready,
                 "This connection has no signed-in user yet (it is " + c.status +
                     "); finish setting it up first.",
                 409);
  auto token = vault_.open(c.id, c.token_sealed);
  if (!token.ok()) return token.error();
  auto client = jf_.client(c.server_url, c.device_id, *token);
  // An API key has no user of its own: it approves as the connection's chosen user.
  auto approved =
      client.quick_connect_authorize(code, c.method == "api_key" ? c.jf_user_id : std::string());
  if (approved.ok()) {
    log::info("device signed in by quick connect",
              {{"connection_id", c.id}, {"code", masked_device_code(code)}});
    return c;
  }
  const Error& e = approved.error();
  if (e.code == jf::errc::token_rejected) {
    record_failure(c, e, timeutil::now_unix_ms());  // expired, like a failed check
    if (auto s = home_lost(c, home_account_lost_reason(e)); !s.ok()) return s.error();
    if (auto s = store_.save(c); !s.ok()) return s.error();
    return Error(errc::connection_expired,
                 "The Jellyfin server at " + c.server_url +
                     " no longer accepts this connection's credentials, so it could not "
                     "authorise the device. The connection is now expired: connect to the "
                     "server again.",
                 409);
  }
  if (e.code == jf::errc::outbound_refused) return Error(e.code, jf::kUnusableServer, 502);
  return e;
}

}  // namespace jb::auth
