// signup.h — the public sign-up pipeline: an invite turned into a Jellyfin
// account, all or nothing.
//
// In order (each step refuses with its own problem, and every step after the
// reservation gives the use back on failure):
//   1. the invite: found by its code, reserved atomically (invite_store.h);
//   2. the human check, when the invite asks for one: a proof-of-work answer,
//      verified and redeemed once (human_check_store.h);
//   3. the password policy (password_policy.h, checked on the NFKC form; the
//      password goes to Jellyfin as typed, because Jellyfin compares the bytes
//      its apps send and they do not normalise) and the user name rules
//      (user_name.h: Jellyfin's, unique case-insensitively — Jellyfin itself
//      refuses a taken name, answered as 409 user_name_taken);
//   3b. the contact: an email address confirmed for this invite (a link sent by
//      POST /api/v1/signup/contact, 30 minutes, single use), required when the
//      invite says so; it becomes the account's confirmed address;
//   4. POST /Users/New with the admin connection;
//   5. the profile: its policy (with the new user's provider ids), its
//      configuration and its display preferences (display_prefs.h), if any;
//   6. the use is committed and the account recorded (created from which
//      invite, its expiry); with a confirmed address (3b) a "welcome" message
//      is enqueued for the new user (common/notify/message.h, dedupe
//      "welcome:<user id>").
// A failure after step 4 deletes the new Jellyfin user again: no half-made
// accounts. A deletion that fails too is logged and kept in
// jb:signup:orphans (set of "<user id>\t<name>") for an admin to see.
// A sign-up that dies between the steps (auth-service killed) leaves its
// journal entry; recover() (every replica, every hold period) deletes the
// user it made once the hold has lapsed twice, and a live sign-up that
// outlasts its hold undoes itself instead of committing.
//
// Jellyfin requests per sign-up: 1 (no profile), 3 with a profile that has a
// configuration, 2 without one, one more when it has display preferences
// (benchmarked in bench/signup, with a configuration and no display preferences).
//
// Redis keys written here (besides the stores'):
//   jb:account:<uid>     hash  invite created expires (ms; 0 = never) name
//   jb:account:expiry    zset  <uid> → expires (ms)
//   jb:signup:orphans    set   users a failed rollback could not delete
//   jb:signup:pending    hash  hold → "<invite>\t<name>\t<deadline ms>\t<user id or empty>"
//
// Thread-safety: thread-safe (its stores are; a Jellyfin client per call).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "auth-service/accounts/admin_access.h"
#include "auth-service/accounts/human_check_store.h"
#include "auth-service/accounts/invite_store.h"
#include "auth-service/accounts/password_policy.h"
#include "auth-service/accounts/profile_store.h"
#include "auth-service/security/email_store.h"
#include "common/accounts/account_record.h"
#include "common/accounts/link_store.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* user_name_taken = "user_name_taken";  // 409: Jellyfin has that name
constexpr const char* contact_required =
    "contact_required";  // 400: the invite needs a confirmed email address first
constexpr const char* invite_profile_missing =
    "invite_profile_missing";  // 409: the invite's profile was deleted
}  // namespace jb::errc

namespace jb::accounts {

struct SignUpRequest {
  std::string code, user_name, password, human_check;
  std::string contact_token;  // an address confirmed for this invite (link_store.h contact)
};

struct SignUpResult {
  std::string user_id, user_name, invite_id, profile_id;
  int64_t expires_ms = 0;  // the account's expiry (0 = never)
  int jellyfin_requests = 0;
};

// The failure of a sign-up, with what the audit log should say about it.
struct SignUpFailure {
  Error error;
  std::string step;  // invite | human_check | password | user_name | create | profile | commit
  std::string invite_id;
};

class SignUpService {
 public:
  SignUpService(RedisPool& redis, InviteStore& invites, ProfileStore& profiles, AdminAccess& admin,
                HumanCheck* human, PasswordRules rules)
      : redis_(redis),
        invites_(invites),
        profiles_(profiles),
        admin_(admin),
        human_(human),
        rules_(rules) {}

  // Either the account, or why not (every reservation given back).
  std::variant<SignUpResult, SignUpFailure> sign_up(const SignUpRequest& req, int64_t now_ms);
  // Undoes the sign-ups that died half-way (their journal entry is a hold older
  // than twice the hold time): deletes the Jellyfin user they made, if any, and
  // gives the use back. How many were undone. Safe to run on every replica.
  Result<int> recover(int64_t now_ms);
  const PasswordRules& rules() const { return rules_; }
  // Contact confirmation (null stores: invites that need an address refuse sign-ups);
  // `clock` decides when confirmations expire.
  void set_contacts(LinkStore* contacts, auth::EmailStore* emails, std::function<int64_t()> clock) {
    contacts_ = contacts;
    emails_ = emails;
    clock_ = std::move(clock);
  }

 private:
  RedisPool& redis_;
  InviteStore& invites_;
  ProfileStore& profiles_;
  AdminAccess& admin_;
  HumanCheck* human_;  // null: no human check available (invites asking for one fail)
  PasswordRules rules_;
  LinkStore* contacts_ = nullptr;
  auth::EmailStore* emails_ = nullptr;
  std::function<int64_t()> clock_;
};

}  // namespace jb::accounts
