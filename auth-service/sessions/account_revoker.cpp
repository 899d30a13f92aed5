// account_revoker.cpp — see account_revoker.h.
#include "auth-service/sessions/account_revoker.h"

#include "common/core/log.h"

namespace jb::auth {

Result<int64_t> AccountRevoker::revoke(const Connection& home, const std::string& reason) {
  auto n = sessions_.revoke_all(home.owner);
  if (!n.ok()) return n.error();
  if (*n > 0) {
    log::info("sessions revoked: the home account lost access",
              {{"user_id", home.owner}, {"reason", reason}, {"count", *n}});
    audit_best_effort(audit_, AuditEvent{"session.revoked",
                                         home.owner,
                                         home.jf_user_name,
                                         "",
                                         "",
                                         "info",
                                         {{"reason", reason},
                                          {"count", std::to_string(*n)},
                                          {"connection_id", home.id}}});
  }
  return n;
}

Status AccountRevoker::on_home_account_lost(const Connection& home,
                                            const std::string& reason) noexcept {
  try {
    auto n = revoke(home, reason);
    if (n.ok()) return Status::Ok();
    log::warn("could not revoke the sessions of a user who lost access",
              {{"user_id", home.owner}, {"reason", reason}, {"error", n.error().message}});
    return n.error();
  } catch (const std::exception& e) {
    log::warn("could not revoke the sessions of a user who lost access", {{"error", e.what()}});
    return Error(errc::internal, std::string("Revoking sessions failed: ") + e.what(), 500);
  }
}

}  // namespace jb::auth
