// connection_service.h — the logic of Jellyfin connections: create (password,
// API key, Quick Connect), list, show, verify, choose the user of an API-key
// connection, delete (logging our token out at Jellyfin), the background
// check. (The home-server sign-in that makes a user's first connection is in
// home_signin.h, re-sealing after a key rotation in reseal.h.)
//
// Passwords are used once to obtain a token and never stored or logged.
// Tokens, API keys and Quick Connect secrets are sealed by the vault before
// they reach Redis. Every Jellyfin failure keeps its precise error code
// (common/jellyfin/client.h), so the API can answer with its own problem type.
//
// Quick Connect approval is polled at most once per 5 s per pending request
// (a Redis SET NX PX gate), however many API calls ask, and by the background
// checker. Checks of unreachable servers back off exponentially.
//
// Thread-safety: thread-safe (stateless over Redis, the vault and per-thread
// Jellyfin clients).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth-service/connections/connection.h"
#include "auth-service/connections/connection_store.h"
#include "auth-service/connections/jellyfin_access.h"
#include "auth-service/vault/vault.h"
#include "common/jellyfin/client.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* connection_not_ready = "connection_not_ready";  // 409
// A connection's last_error_code (not a problem type): its Quick Connect code expired.
constexpr const char* quickconnect_expired = "quickconnect_expired";
}  // namespace jb::errc

namespace jb::auth {

struct CreateConnection {
  std::string method;  // password | api_key | quickconnect
  std::string server_url;
  std::string username, password;  // password
  std::string api_key, user_id;    // api_key
};

struct ConnectionTiming {
  int64_t check_interval_ms = 15 * 60 * 1000;  // active connections
  int64_t backoff_base_ms = 30 * 1000;         // unreachable: 30 s, 60 s, 120 s…
  int64_t backoff_max_ms = 60 * 60 * 1000;     // … up to 1 h
  int64_t qc_poll_ms = 5000;                   // Quick Connect poll gate
  int64_t qc_lifetime_ms = 10 * 60 * 1000;     // Jellyfin's Quick Connect lifetime
};

class ConnectionService {
 public:
  ConnectionService(RedisPool& redis, ConnectionStore& store, const Vault& vault,
                    JellyfinAccess& jellyfin, ConnectionTiming timing = {})
      : redis_(redis), store_(store), vault_(vault), jf_(jellyfin), t_(timing) {}

  Result<Connection> create(const std::string& owner, const CreateConnection& req);
  Result<std::vector<Connection>> list(const std::string& owner);
  // Also advances a pending Quick Connect approval (rate-limited).
  Result<Connection> get(const std::string& owner, const std::string& id);
  Result<Connection> verify(const std::string& owner, const std::string& id);
  Status remove(const std::string& owner, const std::string& id);
  Result<std::vector<jf::User>> users(const std::string& owner, const std::string& id);
  Result<Connection> choose_user(const std::string& owner, const std::string& id,
                                 const std::string& user_id);

  // Background: checks connections that are due; returns how many were checked.
  Result<int> check_due(int limit = 20);
  // Checks one connection now (verify or Quick Connect poll) and saves it.
  Result<Connection> check(Connection c, bool force_qc_poll);

 private:
  Result<jf::PublicInfo> probe(const std::string& url, const std::string& device_id);
  Result<Connection> poll_quickconnect(Connection c, bool force);
  // Marks a Quick Connect connection expired (reason shown to the user);
  // the caller saves it (which takes it off the due list).
  void expire_quickconnect(Connection& c, std::string why);
  Connection& record_failure(Connection& c, const Error& e, int64_t now);
  RedisPool& redis_;
  ConnectionStore& store_;
  const Vault& vault_;
  JellyfinAccess& jf_;
  ConnectionTiming t_;
};

}  // namespace jb::auth
