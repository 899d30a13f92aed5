// account_bodies.h — the request bodies of the account-management API (admin
// invites, profiles and admin connection; the public sign-up), parsed into
// values or the problem to answer with (api/io.h). Pure functions; fuzzed with
// the other body parsers.
//
//   invite (create)   {label?, expires_at? (RFC 3339 | null), max_uses? (1–100000 | null =
//                      unlimited; default 1), profile_id? (| null = the default),
//                      account_days? (1–36500 | null), human_check? (default true),
//                      require_email? (default false)}
//   invite (PATCH)    the same fields, each optional; absent = unchanged
//   profile (create)  {name, template_user_id, configuration? (default true),
//                      display_preferences? (default false), default? }
//   profile (PATCH)   {name?, default? (true only)}
//   admin connection  {connection_id}
//   sign-up           {code, user_name, password, human_check?, contact_token?}
//   contact           {code, email}
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "auth-service/accounts/invite_store.h"
#include "auth-service/api/io.h"

namespace jb::accounts {

// Field limits.
constexpr size_t kMaxLabel = 128;
constexpr size_t kMaxProfileName = 64;
constexpr size_t kMaxUserName = 256;     // bytes; user_name.h decides what is valid
constexpr size_t kMaxPassword = 4096;    // bytes; the policy's limit is in code points
constexpr size_t kMaxHumanCheck = 2048;  // the proof-of-work payload
constexpr int64_t kMaxInviteUses = 100000;

// Create: every field from the body or its default. PATCH (`base` given): the
// fields present replace base's.
auth::BodyResult<InviteSpec> parse_invite_body(const http::Request& r,
                                               const std::optional<InviteSpec>& base,
                                               int64_t now_ms);

struct ProfileBody {
  std::string name, template_user_id;
  bool configuration = true;
  bool display_preferences = false;  // capture the template user's (display_prefs.h)
  bool make_default = false;
};
auth::BodyResult<ProfileBody> parse_profile_body(const http::Request& r);
struct ProfilePatch {
  std::optional<std::string> name;
  bool make_default = false;
};
auth::BodyResult<ProfilePatch> parse_profile_patch(const http::Request& r);

auth::BodyResult<std::string> parse_admin_connection_body(const http::Request& r);

struct SignUpBody {
  std::string code, user_name, password, human_check, contact_token;
};
struct ContactBody {
  std::string code, email;
};
auth::BodyResult<ContactBody> parse_contact_body(const http::Request& r);
auth::BodyResult<SignUpBody> parse_signup_body(const http::Request& r);

}  // namespace jb::accounts
