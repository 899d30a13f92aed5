// account_revoker.cpp — see account_revoker.h.
#include "auth-service/sessions/account_revoker.h"

#include "common/core/log.h"

namespace jb::auth {

Result<int64_t> AccountRevoker::revoke(const Connection& home, const std::string& reason) {
  auto n = sessions_.revoke_all(home.owner);
  if (!n.ok()) return n.error();
  int64_t apps = 0;
  if (app_passwords_) {
    auto a = app_passwords_->revoke_all(home.owner);
    if (!a.ok()) return a.error();
    apps = *a;
  }
  if (*n > 0 || apps > 0) {
    log::info(
        "sessions revoked: the home account lost access",
        {{"user_id", home.owner}, {"reason", reason}, {"count", *n}, {"app_passwords", apps}});
    audit_best_effort(audit_, AuditEvent{"session.revoked",
                                         home.owner,
                                         home.jf_user_name,
                                         "",
                                         "",
                                         "info",
                                         {{"reason", reason},
                                          {"count", std::to_string(*n)},
                                          {"app_passwords", std::to_string(apps)},
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
