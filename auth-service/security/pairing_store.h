// pairing_store.h — device pairing (issue 12): a TV or native client that
// cannot answer a second-factor challenge asks to be paired and shows a short
// code; a signed-in user types that code to approve it (or denies it from the
// list "Devices waiting for approval"); the approved device then collects a
// session of its own, without a second factor.
//
// What the device holds: a polling id (256 random bits, "jbp_" + base64url,
// shown once) and a code of 6 symbols from the recovery-code alphabet
// (recovery_codes.h, about 29.7 bits, shown as XXX-XXX). Only SHA-256 of the
// id and of the normalised code are stored, so a Redis dump reveals neither.
// What the user sees: a public handle (128 random bits), the device's name,
// address and User-Agent, never the id or the code.
//
// A request waits lifetime_ms (JB_PAIRING_TTL_S, 10 minutes); its record is
// kept keep_ms longer (and keep_ms after it is denied or approved), so the
// device can still be told "expired" or "denied", or collect its approval.
// A request may name a user ("alice"): it is then listed for that user (any
// case) and only that user can approve it; at most max_pending_per_user such
// requests wait for one name, so nobody can flood a user's list. A request
// without a name is listed nowhere, and any signed-in user who types its code
// approves it for themselves (like Jellyfin's Quick Connect).
//
// Every change is one Lua script on the Redis clock (TIME), so:
//   - two waiting requests never share a code (the code's key is SET NX; a
//     clash draws a new code);
//   - a request is approved at most once, by one user, and never after it was
//     denied or expired; a denied or approved request cannot be denied;
//   - the device collects an approval once: poll() takes the record, so a
//     second poll finds nothing (and the session is made for the device alone).
//
// Redis keys (built only by record_key(), code_key() and user_key(); "jb:pair:"
// belongs to sync pairs, common/sync/keys.h):
//   jb:devpair:<sha256(id)>           hash  state (pending|approved|denied), device, account
//                                           (lower-cased name or ""), ip, ua, code (its
//                                           sha256), handle, created, expires; once approved
//                                           uid, uname, admin (PX lifetime + keep)
//   jb:devpair:code:<sha256(code)>    str   sha256(id) of the request that shows it (PX lifetime)
//   jb:devpair:acct:<sha256(account)> zset  sha256(id) → expires_ms: requests naming the account
//
// Thread-safety: thread-safe (RedisPool; the scripts are immutable).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth-service/sessions/session_store.h"
#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* pairing_not_found = "pairing_not_found";  // 404: unknown, expired or done
constexpr const char* too_many_pairing_requests =
    "too_many_pairing_requests";  // 429: the named user has enough waiting requests
}  // namespace jb::errc

namespace jb::auth {

struct PairingOptions {
  int64_t lifetime_ms = 10 * 60 * 1000;  // how long a request waits (JB_PAIRING_TTL_S)
  int64_t keep_ms = 5 * 60 * 1000;       // how long a device can still learn how it ended
  int64_t max_pending_per_user = 5;      // waiting requests that name one user
};

// A request as its user sees it: never the polling id or the code.
struct PairingRequest {
  std::string handle;  // public: names the request in the API and the audit log
  std::string device_name, ip, user_agent;
  int64_t created_ms = 0, expires_ms = 0;
};

// What the device is told once, when it asks.
struct PairingStarted {
  std::string id;    // the polling secret
  std::string code;  // XXX-XXX, to show
  PairingRequest request;
};

struct PairingPoll {
  std::string state;  // pending | denied | expired | approved
  int64_t expires_ms = 0;
  std::optional<SessionUser> user;  // approved: whose session the device gets
  std::string handle, device_name;  // approved: for the audit log
};

// ---- pure helpers (unit-tested) ----

inline constexpr size_t kPairingCodeSymbols = 6;
// A fresh code in its display form (XXX-XXX).
std::string new_pairing_code();
// The 6 symbols of a typed code (case, spaces and dashes do not matter), or nullopt.
std::optional<std::string> normalize_pairing_code(std::string_view typed);
// Why a device name cannot be used (1–64 characters, no control characters,
// not blank), or nullopt when it can.
std::optional<std::string> device_name_problem(std::string_view name);
// Whether `id` can be a polling id (checked before it is hashed).
bool looks_like_pairing_id(std::string_view id);

// ---- the store ----

class PairingStore {
 public:
  explicit PairingStore(RedisPool& redis, PairingOptions options = {})
      : redis_(redis), o_(options) {}

  // A new request from a device at `origin`, naming `username` ("" = nobody).
  // 429 too_many_pairing_requests (Retry-After) when the name has enough waiting.
  Result<PairingStarted> create(const std::string& device_name, const std::string& username,
                                const SessionOrigin& origin);
  // The request's state for the device; an approval is handed out once (the
  // record is gone afterwards). nullopt: unknown, collected or long over.
  Result<std::optional<PairingPoll>> poll(const std::string& id);
  // The waiting requests that name `username` (any case), oldest first.
  Result<std::vector<PairingRequest>> pending_for(const std::string& username);
  // Approves the waiting request showing `typed_code` for `approver`: the
  // request, or nullopt when no such request waits for them (wrong or
  // malformed code, expired, denied, approved already, named another user).
  Result<std::optional<PairingRequest>> approve(std::string_view typed_code,
                                                const SessionUser& approver);
  // Denies the waiting request `handle` that names `username`: the request,
  // or nullopt when none such waits (unknown, another user's, over).
  Result<std::optional<PairingRequest>> deny(const std::string& handle,
                                             const std::string& username);

  const PairingOptions& options() const { return o_; }

  static std::string record_key(const std::string& id);
  static std::string code_key(const std::string& code_symbols);
  static std::string user_key(const std::string& username);

 private:
  RedisPool& redis_;
  PairingOptions o_;
};

}  // namespace jb::auth
