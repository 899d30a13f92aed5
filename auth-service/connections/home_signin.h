// home_signin.h — suite sign-in against the home Jellyfin server: the
// password (or Quick Connect) sign-in there creates or refreshes the user's
// home connection, their first connection, with one stable DeviceId per user
// so a new sign-in replaces our previous token instead of piling tokens up.
//
// Redis keys (besides the connection's own, connection_store.h):
//   jb:user:<jellyfin user id>:home    str  the user's home connection id
//   jb:home:login:<sha256(lower name)> str  the home connection a user name last signed in with
//                                           (its DeviceId is reused before the user id is known)
//
// Thread-safety: thread-safe (stateless over Redis, the vault and per-thread
// Jellyfin clients).
#pragma once

#include <string>

#include "auth-service/connections/connection.h"
#include "auth-service/connections/connection_service.h"
#include "auth-service/connections/connection_store.h"
#include "auth-service/connections/jellyfin_access.h"
#include "auth-service/vault/vault.h"
#include "common/jellyfin/client.h"
#include "common/redis/client.h"

namespace jb::auth {

struct HomeSignIn {
  jf::User user;
  Connection connection;
};

class HomeSignInService {
 public:
  HomeSignInService(RedisPool& redis, ConnectionStore& store, const Vault& vault,
                    JellyfinAccess& jellyfin, ConnectionTiming timing = {})
      : redis_(redis), store_(store), vault_(vault), jf_(jellyfin), t_(timing) {}

  // Signs in at the home server with a user name and password.
  Result<HomeSignIn> sign_in(const std::string& home_url, const std::string& username,
                             const std::string& password);
  // Adopts the token of a Quick Connect sign-in at the home server.
  Result<HomeSignIn> adopt_token(const std::string& home_url, const std::string& device_id,
                                 const jf::AuthResult& auth);

  static std::string home_connection_key(const std::string& jellyfin_user_id);
  static std::string login_key(const std::string& username);

 private:
  Result<HomeSignIn> upsert(const std::string& home_url, const std::string& device_id,
                            const std::string& method, const jf::AuthResult& auth,
                            const std::string& login_key);
  RedisPool& redis_;
  ConnectionStore& store_;
  const Vault& vault_;
  JellyfinAccess& jf_;
  ConnectionTiming t_;
};

}  // namespace jb::auth
