// quickconnect_signin.h — signing in to the suite with Jellyfin Quick Connect.
//
// start(): asks the home server for a Quick Connect code (a fresh DeviceId)
// and keeps the pending request in Redis (jb:qclogin:<id>, the secret sealed
// by the vault) for Jellyfin's 10-minute lifetime. status(): reports pending,
// expired or authenticated; it asks Jellyfin at most once per 5 s per request
// (a Redis SET NX PX gate), never once per HTTP call. On approval it creates
// the user's home connection and a suite session, hands the session out once,
// and deletes the pending request.
//
// Thread-safety: thread-safe.
#pragma once

#include <optional>
#include <string>

#include "auth-service/connections/home_signin.h"
#include "auth-service/sessions/session_store.h"

namespace jb::auth {

struct QcStart {
  std::string id, code;
  int64_t expires_ms = 0;
};

struct QcStatus {
  std::string state;  // pending | expired | authenticated
  int64_t expires_ms = 0;
  std::optional<Session> session;  // when authenticated
  jf::User user;
};

class QuickConnectSignIn {
 public:
  QuickConnectSignIn(RedisPool& redis, const Vault& vault, JellyfinAccess& jf,
                     HomeSignInService& home, SessionStore& sessions, ConnectionTiming timing = {})
      : redis_(redis), vault_(vault), jf_(jf), home_(home), sessions_(sessions), t_(timing) {}

  Result<QcStart> start(const std::string& home_url);
  // `client_ip`: the polling client, for the remote-access rule (home_signin.h);
  // it and `user_agent` are stored with the session it creates.
  Result<QcStatus> status(const std::string& home_url, const std::string& id,
                          const std::string& client_ip = "", const std::string& user_agent = "");

 private:
  RedisPool& redis_;
  const Vault& vault_;
  JellyfinAccess& jf_;
  HomeSignInService& home_;
  SessionStore& sessions_;
  ConnectionTiming t_;
};

}  // namespace jb::auth
