// account_handlers.h — the account-management routes.
//
// Suite administrators (session user is_admin; anyone else gets 403 admin_only,
// audited as admin.denied):
//   GET|PUT|DELETE /api/v1/admin/connection          the admin connection (admin_access.h)
//   GET|POST       /api/v1/admin/invites             list (with uses and who used them), create
//   GET|PATCH|DELETE /api/v1/admin/invites/{id}
//   POST           /api/v1/admin/invites/{id}/send   email it (invite_send.h)
//   GET|POST       /api/v1/admin/profiles            list (with summaries), capture from a user
//   GET|PATCH|DELETE /api/v1/admin/profiles/{id}
//   GET            /api/v1/admin/users               the home server's users joined with the
//                                                    suite's data (account record, expiry,
//                                                    email, second factors)
// Public (no session; the sign-up is limited per address by the edge limiter):
//   GET  /api/v1/signup/invites/{code}   what the invite allows and needs (valid or why not)
//   POST /api/v1/signup/challenge        a proof-of-work challenge (human_check.h)
//   POST /api/v1/signup/contact          email a link confirming an address for a sign-up
//                                        (limited per (invite, address) with the edge's
//                                        JB_EMAIL_CODE_USER_* rule, per recipient, and per
//                                        invite: JB_SIGNUP_CONTACT_INVITE_*)
//   POST /api/v1/signup                  create the account (signup.h) → 201
// Every call that changes something, every refusal of an admin route and every
// sign-up (made or failed, with the step) is in the audit log with the address.
//
// Thread-safety: handlers run concurrently; every dependency is thread-safe.
#pragma once

#include <functional>
#include <string>

#include "auth-service/accounts/admin_access.h"
#include "auth-service/accounts/human_check_store.h"
#include "auth-service/accounts/invite_store.h"
#include "auth-service/accounts/profile_store.h"
#include "auth-service/accounts/signup.h"
#include "auth-service/audit/audit_log.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/passkeys/passkey_store.h"
#include "auth-service/security/email_store.h"
#include "auth-service/security/totp_service.h"
#include "auth-service/sessions/authenticator.h"
#include "common/accounts/link_store.h"
#include "common/net/http_server.h"
#include "common/net/smtp_client.h"

namespace jb::accounts {

struct AccountDeps {
  auth::Authenticator* auth = nullptr;
  AdminAccess* admin = nullptr;
  InviteStore* invites = nullptr;
  ProfileStore* profiles = nullptr;
  SignUpService* signup = nullptr;
  HumanCheck* human = nullptr;
  auth::AuditLog* audit = nullptr;
  auth::SignInGuard* guard = nullptr;    // null: sign-ups are not rate limited
  std::string public_url;                // JB_PUBLIC_URL: invite links (empty: no link)
  std::string server_name = "Jellyfin";  // JB_SERVER_NAME: {{server_name}} in messages
  RedisPool* redis = nullptr;            // account records (GET /api/v1/admin/users)
  auth::TotpService* totp = nullptr;     // second-factor state in the user list (null: not shown)
  auth::PasskeyStore* passkeys = nullptr;
  auth::EmailStore* emails = nullptr;  // contact in the user list (null: not shown)
  LinkStore* contacts = nullptr;       // contact_links(): sign-up address confirmations
  const SmtpClient* smtp = nullptr;    // null: addresses cannot be confirmed at sign-up
  std::function<int64_t()> now_ms;     // the clock confirmations expire by (null: real time)
  // Sign-up address confirmations: besides the edge's email limits per (invite,
  // address) and per recipient, at most this many per invite (JB_SIGNUP_CONTACT_INVITE_*).
  LimitRule signup_contact_invite{50, 10 * 60 * 1000};
};

// Pure: an invite as the admin API shows it.
std::string invite_json(const Invite& inv, const std::string& public_url, int64_t now_ms);
// Pure: the password rules as the sign-up and reset pages show them.
std::string password_rules_json(const PasswordRules& r);
// Pure: a profile with its summary.
std::string profile_json(const Profile& p);

void register_account_routes(http::Server& server, AccountDeps& deps);

}  // namespace jb::accounts
