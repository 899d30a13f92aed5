// invite_store.h — invites in Redis, and the atomic use of one.
//
// An invite is a code of 128 random bits (22 base64url characters) that lets
// people create an account on the home Jellyfin server. Only its SHA-256 finds
// the invite; the code itself is kept sealed by the vault so an admin can list
// and send it again, and a Redis dump does not reveal usable codes.
//
// Using an invite is two steps around the Jellyfin calls of a sign-up:
// reserve() takes a hold (a use that is being spent) and commit() turns it
// into a use, or release() gives it back. Both are Lua scripts, so under any
// concurrency uses + live holds never exceed max_uses: an invite with N uses
// creates at most N accounts. A hold lapses after hold_ms (a sign-up that died
// half-way gives its use back); a commit whose hold lapsed counts again and may
// be refused, and the caller then deletes the account it made.
//
// Redis keys (built only by key() and friends in invite_store.cpp):
//   jb:invite:<id>            hash  code_sealed label expires max_uses profile account_days
//                                   human email notify created created_by uses
//   jb:invite:expiry          zset  <id> → expiry (ms) of invites with admins to
//                                   notify (common/accounts/invite_notice.h)
//   jb:invite:code:<sha256>   str   <id>
//   jb:invite:<id>:holds      zset  hold token → deadline (ms)
//   jb:invite:<id>:used       list  "<user id>\t<user name>\t<ms>" per account made
//   jb:invites                zset  <id> → created (ms)
//
// Thread-safety: thread-safe (RedisPool; the vault is immutable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth-service/vault/vault.h"
#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* invite_unknown = "invite_unknown";  // 404: no invite has that code
constexpr const char* invite_expired = "invite_expired";  // 410: the invite's time is over
constexpr const char* invite_used_up = "invite_used_up";  // 409: every use is taken
}  // namespace jb::errc

namespace jb::accounts {

// What an admin sets on an invite.
struct InviteSpec {
  std::string label;
  int64_t expires_ms = 0;           // 0 = never
  int64_t max_uses = 1;             // -1 = unlimited
  std::string profile_id;           // "" = the default profile when it is used
  int64_t account_days = 0;         // accounts made with it expire after this many days (0 = never)
  bool human_check = true;          // a proof-of-work challenge must be solved to use it
  bool require_email = false;       // a confirmed email address is needed to use it
  std::vector<std::string> notify;  // admins (Jellyfin user ids) told of each use and its expiry
};

struct InviteUse {
  std::string user_id, user_name;
  int64_t at_ms = 0;
};

struct Invite {
  std::string id, code;  // code: only when the vault opened it
  InviteSpec spec;
  int64_t created_ms = 0;
  std::string created_by;
  int64_t uses = 0;   // accounts made
  int64_t holds = 0;  // sign-ups under way
  std::vector<InviteUse> used_by;
};

// Why an invite cannot be used now ("" when it can): "expired" or "used_up".
std::string invite_unusable(const Invite& inv, int64_t now_ms);

class InviteStore {
 public:
  InviteStore(RedisPool& redis, const auth::Vault& vault, int64_t hold_ms = 5 * 60 * 1000)
      : redis_(redis), vault_(vault), hold_ms_(hold_ms) {}

  Result<Invite> create(const InviteSpec& spec, const std::string& created_by, int64_t now_ms);
  Result<std::optional<Invite>> get(const std::string& id);
  Result<std::optional<Invite>> find_by_code(const std::string& code);
  Result<std::vector<Invite>> list();
  Status update(const std::string& id, const InviteSpec& spec);
  Result<bool> remove(const std::string& id);

  // A hold token on success; invite_unknown (404), invite_expired (410) or
  // invite_used_up (409) otherwise.
  Result<std::string> reserve(const std::string& id, int64_t now_ms);
  // The hold becomes a use made by user (id, name). invite_used_up when the
  // hold lapsed and the uses are gone meanwhile; invite_unknown when deleted.
  Status commit(const std::string& id, const std::string& hold, const InviteUse& use,
                int64_t now_ms);
  Status release(const std::string& id, const std::string& hold);

  int64_t hold_ms() const { return hold_ms_; }
  // A well-formed code (22 base64url characters); anything else is unknown.
  static bool plausible_code(const std::string& code);

 private:
  Result<std::vector<Invite>> load(const std::vector<std::string>& ids);
  RedisPool& redis_;
  const auth::Vault& vault_;
  int64_t hold_ms_;
};

}  // namespace jb::accounts
