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
// Per sign-in work: the connection is read once (through the login key) and
// written with both keys in one pipeline; the server's public info (name,
// version) is asked again only when the server id changed or
// JB_HOME_CHECK_INTERVAL_S has passed since it was last asked, so a sign-in
// costs the home server one request (AuthenticateByName).
//
// Remote access: Jellyfin sees only the suite's address, so the suite applies
// the user's Policy.EnableRemoteAccess itself. With a LAN set (JB_LAN_CIDRS),
// a user without remote access who signs in from outside it gets 403
// "remote_access_denied"; the token Jellyfin just issued is signed out again
// and nothing is stored. An unknown client address ("") counts as remote.
//
// A sign-in without the password (a passkey, passkeys/passkey_handlers.h) has
// no credential to show Jellyfin: resume() asks GET /Users/Me with the token of
// the user's home connection instead — the same question the home connection's
// background check asks (home_account.h) — so a revoked token, a disabled or
// deleted user, or a user without remote access outside the LAN cannot sign in
// that way; it also gives the user's current name and admin flag for the
// session. Without a usable home connection (never signed in with the
// password, token gone, the home server changed) the answer is 401
// home_signin_required: sign in with the password once.
//
// Thread-safety: thread-safe (stateless over Redis, the vault and per-thread
// Jellyfin clients).
#pragma once

#include <optional>
#include <string>

#include "auth-service/connections/connection.h"
#include "auth-service/connections/connection_service.h"
#include "auth-service/connections/connection_store.h"
#include "auth-service/connections/jellyfin_access.h"
#include "auth-service/sessions/admin_set.h"
#include "auth-service/vault/vault.h"
#include "common/jellyfin/client.h"
#include "common/net/cidr.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* remote_access_denied = "remote_access_denied";  // 403
constexpr const char* home_signin_required = "home_signin_required";  // 401: no usable home token
}  // namespace jb::errc

namespace jb::auth {

struct HomeSignIn {
  jf::User user;
  Connection connection;
};

class HomeSignInService {
 public:
  // `lan`: the local network for the remote-access rule; nullopt turns the rule off.
  HomeSignInService(RedisPool& redis, ConnectionStore& store, const Vault& vault,
                    JellyfinAccess& jellyfin, ConnectionTiming timing = {},
                    std::optional<net::CidrSet> lan = std::nullopt)
      : redis_(redis),
        store_(store),
        vault_(vault),
        jf_(jellyfin),
        t_(timing),
        lan_(std::move(lan)) {}

  // Signs in at the home server with a user name and password, for a client at `client_ip`.
  Result<HomeSignIn> sign_in(const std::string& home_url, const std::string& username,
                             const std::string& password, const std::string& client_ip = "");
  // Adopts the token of a Quick Connect sign-in at the home server.
  Result<HomeSignIn> adopt_token(const std::string& home_url, const std::string& device_id,
                                 const jf::AuthResult& auth, const std::string& client_ip = "");
  // The account of suite user `user_id` as Jellyfin sees it now, through their
  // home connection's token: 401 home_signin_required (`why` says why: no home
  // connection, or home_account_lost_reason()), 403 remote_access_denied, or
  // Jellyfin's error when it cannot answer.
  Result<jf::User> resume(const std::string& home_url, const std::string& user_id,
                          const std::string& client_ip, std::string* why = nullptr);
  // "remote_access_denied" when `user` may not sign in from `client_ip`.
  Status admit(const jf::User& user, const std::string& client_ip) const;

  // The suite user id `username` last signed in as here ("" when never; errors too).
  std::string known_user_id(const std::string& username);

  // Who is a suite administrator (JB_ADMIN_USERS / JB_ADMIN_EXCLUDE,
  // sessions/admin_set.h): applied to the user every sign-in answers. Call
  // before the server starts.
  void set_admin_set(AdminSet admins) { admins_ = std::move(admins); }
  static std::string home_connection_key(const std::string& jellyfin_user_id);
  static std::string login_key(const std::string& username);

 private:
  // `known`: the connection the user name last signed in with, when already
  // read (saves reading it again when it is this user's home connection).
  Result<HomeSignIn> upsert(const std::string& home_url, const std::string& device_id,
                            const std::string& method, const jf::AuthResult& auth,
                            const std::string& login_key,
                            const std::optional<Connection>& known = std::nullopt);
  RedisPool& redis_;
  ConnectionStore& store_;
  const Vault& vault_;
  JellyfinAccess& jf_;
  ConnectionTiming t_;
  std::optional<net::CidrSet> lan_;
  AdminSet admins_;
};

}  // namespace jb::auth
