// reset_handlers.h — self-service password resets, and reset links sent by admins.
//
// Public (no session):
//   POST /api/v1/reset {user}             a user name or an email address. The answer is
//       always the same 202 — whether or not an account matches — and comes no sooner than
//       answer_ms after the request began; the lookup and the email happen afterwards on a
//       worker thread, so nothing in the answer depends on them. A matching account with a
//       confirmed address gets a link (link_store.h) by email. Limited per address and per
//       account asked for (JB_RESET_IP_*, JB_RESET_ACCOUNT_*).
//   GET  /api/v1/reset/{token}            the link's user name, expiry and the password rules
//   POST /api/v1/reset/{token} {password} the new password, checked against the policy,
//       set through the admin connection (Jellyfin revokes the user's other tokens); the
//       user's suite sessions are revoked too. The link works once.
// Administrators:
//   POST /api/v1/admin/users/{id}/reset-link {send?}   a link for one user: emailed when
//       `send` (default true) and the user has a confirmed address, else returned.
// All audited (reset.requested, reset.completed, reset.failed, admin.reset_link).
//
// Thread-safety: handlers run concurrently; every dependency is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "auth-service/accounts/admin_access.h"
#include "auth-service/accounts/password_policy.h"
#include "auth-service/audit/audit_log.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/security/email_store.h"
#include "auth-service/sessions/authenticator.h"
#include "common/accounts/link_store.h"
#include "common/core/thread_pool.h"
#include "common/net/http_server.h"
#include "common/net/smtp_client.h"
#include "common/redis/client.h"

namespace jb::accounts {

struct ResetDeps {
  auth::Authenticator* auth = nullptr;
  AdminAccess* admin = nullptr;
  LinkStore* resets = nullptr;  // reset_links()
  auth::EmailStore* emails = nullptr;
  const SmtpClient* smtp = nullptr;  // null: links are never emailed (admins get them)
  auth::SessionStore* sessions = nullptr;
  auth::AuditLog* audit = nullptr;
  auth::SignInGuard* guard = nullptr;  // null: not rate limited
  ThreadPool* pool = nullptr;          // where lookups and emails run
  PasswordRules rules;
  std::string public_url;
  std::function<int64_t()> now_ms;       // the clock links expire by
  int64_t answer_ms = 500;               // the public request's answer comes no sooner
  RedisPool* templates = nullptr;        // the admins' "reset" template (null: the default)
  std::string server_name = "Jellyfin";  // JB_SERVER_NAME: {{server_name}}
};

void register_reset_routes(http::Server& server, ResetDeps& deps);

}  // namespace jb::accounts
