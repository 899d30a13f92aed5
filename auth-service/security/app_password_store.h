// app_password_store.h — app passwords (issue 12): credentials for clients that
// cannot answer a second-factor challenge (scripts, automation, native apps).
//
// An app password is "jbapp_" + 24 random bytes (base64url), shown once at
// creation and usable only as `Authorization: Bearer` for the API: never as a
// sign-in password, never as a cookie, and never to change security settings
// (security_handlers.h). Only its SHA-256 is stored — the secret has 192 bits,
// so a slow hash would add nothing.
//
// Redis keys:
//   jb:apppw:<sha256>         hash  uid, user, admin, id     (the lookup by credential)
//   jb:user:<uid>:apppw       hash  <id> → JSON {name, created_ms, last_used_ms, last_ip, hash}
// lookup() finds the credential and records its use (time and address) in one
// Lua script, so a revoked password stops at once on every replica.
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth-service/sessions/session_store.h"
#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* app_password_limit = "app_password_limit";          // 409: too many
constexpr const char* app_password_not_found = "app_password_not_found";  // 404
}  // namespace jb::errc

namespace jb::auth {

constexpr const char* kAppPasswordPrefix = "jbapp_";

// Whether a presented secret has an app password's form (its prefix).
bool looks_like_app_password(std::string_view secret);

struct AppPassword {
  std::string id;  // public handle
  std::string name;
  int64_t created_ms = 0, last_used_ms = 0;
  std::string last_ip;
};

struct NewAppPassword {
  AppPassword info;
  std::string secret;  // shown once
};

// Who an app password acts for.
struct AppPasswordUse {
  SessionUser user;
  std::string id;
};

class AppPasswordStore {
 public:
  static constexpr size_t kMaxPerUser = 25;
  static constexpr size_t kMaxName = 64;

  explicit AppPasswordStore(RedisPool& redis) : redis_(redis) {}

  Result<NewAppPassword> create(const SessionUser& user, const std::string& name);
  Result<std::vector<AppPassword>> list(const std::string& uid);
  // False when the user has no such app password.
  Result<bool> revoke(const std::string& uid, const std::string& id);
  // Every app password of the user; how many there were.
  Result<int64_t> revoke_all(const std::string& uid);
  // The user a presented secret acts for (nullopt: not an app password of anyone),
  // recording the use.
  Result<std::optional<AppPasswordUse>> lookup(const std::string& secret, const std::string& ip,
                                               int64_t now_ms);

 private:
  RedisPool& redis_;
};

}  // namespace jb::auth
