// account_revoker.h — ends every suite session of a user whose Jellyfin
// account no longer lets them in (home_account.h says when): all their
// sessions are revoked at once on every replica (SessionStore::revoke_all:
// one Lua script, then the revocation is announced over Redis Pub/Sub to every
// instance's session cache), and so are their app passwords (which act for
// the user without asking Jellyfin); `session.revoked` is recorded in the
// audit log with the reason and how many sessions and app passwords ended
// (nothing is recorded when the user had none left, so repeated checks do not
// fill the log).
//
// Thread-safety: thread-safe (SessionStore and AuditLog are).
#pragma once

#include <string>

#include "auth-service/audit/audit_log.h"
#include "auth-service/connections/connection.h"
#include "auth-service/security/app_password_store.h"
#include "auth-service/sessions/session_store.h"
#include "common/core/result.h"

namespace jb::auth {

class AccountRevoker {
 public:
  AccountRevoker(SessionStore& sessions, AuditLog* audit, AppPasswordStore* app_passwords = nullptr)
      : sessions_(sessions), audit_(audit), app_passwords_(app_passwords) {}
  // Revokes every session of the home connection's owner; answers how many.
  Result<int64_t> revoke(const Connection& home, const std::string& reason);
  // For HomeAccountLost: revoke(), a failure logged as a warning and answered.
  Status on_home_account_lost(const Connection& home, const std::string& reason) noexcept;

 private:
  SessionStore& sessions_;
  AuditLog* audit_;
  AppPasswordStore* app_passwords_;
};

}  // namespace jb::auth
