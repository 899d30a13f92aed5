// admin_access.h — the dedicated admin connection: the credential every
// administrative Jellyfin call (creating, changing, deleting users) is made
// with. It is one of a suite admin's own connections to the home server — an
// API key, or an administrator's token from the vault — designated through
// PUT /api/v1/admin/connection; no password is ever stored.
//
// What it may do is checked (GET /Auth/Keys needs the administrator role) when
// it is designated, when auth-service starts and every check interval after;
// the outcome is shown in GET /api/v1/health:
//   none        no admin connection is designated
//   ok          it administers the home server
//   not_admin   Jellyfin refuses it the administrator role
//   expired     its token or key is no longer accepted (or the connection is gone)
//   unreachable the home server did not answer (detail says how)
//
// Redis key: jb:admin:connection  hash  connection_id owner set_ms
//
// Thread-safety: thread-safe (state in Redis; the last check under a mutex).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "auth-service/connections/connection_store.h"
#include "auth-service/connections/jellyfin_access.h"
#include "auth-service/vault/vault.h"
#include "common/accounts/admin_connection.h"
#include "common/core/result.h"
#include "common/jellyfin/client.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* admin_connection_unsuitable =
    "admin_connection_unsuitable";  // 409: not to the home server, or not an administrator
}  // namespace jb::errc

namespace jb::accounts {

struct AdminState {
  std::string status = "none";  // see above
  std::string connection_id, method, server_url, detail;
  int64_t checked_ms = 0;
};

void write_admin_state(json::Writer& w, const AdminState& s);

class AdminAccess {
 public:
  AdminAccess(RedisPool& redis, auth::ConnectionStore& store, const auth::Vault& vault,
              auth::JellyfinAccess& jellyfin, std::string home_url)
      : redis_(redis), store_(store), vault_(vault), jf_(jellyfin), home_(std::move(home_url)) {}

  // Designates `connection_id` (one of `owner`'s connections, to the home server,
  // able to administer): the new state, or admin_connection_unsuitable (409) /
  // not_found (404).
  Result<AdminState> designate(const std::string& owner, const std::string& connection_id,
                               int64_t now_ms);
  Status clear();
  // Re-reads the designation and asks Jellyfin; the outcome is remembered.
  AdminState check(int64_t now_ms);
  AdminState last() const;
  // A client for the home server with the admin credential (the calling
  // thread's own), or admin_connection_missing (503).
  Result<jf::Client> client();

 private:
  struct Credential {
    auth::Connection conn;
    std::string token;
  };
  Result<Credential> credential();
  AdminState probe(const Credential& c, int64_t now_ms);
  RedisPool& redis_;
  auth::ConnectionStore& store_;
  const auth::Vault& vault_;
  auth::JellyfinAccess& jf_;
  std::string home_;
  mutable std::mutex mu_;
  AdminState last_;
};

}  // namespace jb::accounts
