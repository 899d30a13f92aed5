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
// Outbound requests go through the SSRF guard (common/net/outbound_policy.h).
// Creating a connection, any failure of the first request (/System/Info/Public:
// refused address, transport failure, not a Jellyfin) is answered with the one
// generic problem server_url_unusable, and any later refusal too; the precise
// reason is logged. A background check refused by the policy marks the
// connection unreachable with that same generic text.
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
#include "auth-service/connections/home_account.h"
#include "auth-service/connections/jellyfin_access.h"
#include "auth-service/vault/vault.h"
#include "common/jellyfin/client.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* connection_not_ready = "connection_not_ready";  // 409
// 422: creating a connection, the server_url could not be used: its address is refused by
// the outbound policy, nothing usable answered, or it is not a Jellyfin (one answer for all,
// jf::kUnusableServer, so the API cannot map the network; the precise reason is logged).
// Also a connection's last_error_code when a background check is refused by the policy.
constexpr const char* server_url_unusable = "server_url_unusable";
// 409: Jellyfin no longer accepts the connection's token (it is now `expired`; reconnect it).
constexpr const char* connection_expired = "connection_expired";
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
  int64_t check_interval_ms = 15 * 60 * 1000;      // active connections
  int64_t home_check_interval_ms = 5 * 60 * 1000;  // home connections (the account's checks)
  int64_t backoff_base_ms = 30 * 1000;             // unreachable: 30 s, 60 s, 120 s…
  int64_t backoff_max_ms = 60 * 60 * 1000;         // … up to 1 h
  int64_t qc_poll_ms = 5000;                       // Quick Connect poll gate
  int64_t qc_lifetime_ms = 10 * 60 * 1000;         // Jellyfin's Quick Connect lifetime
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

  // Approves a device's Quick Connect `code` (6 digits, already validated) at the
  // connection's server as the connection's user (an API-key connection names its
  // chosen user); answers the connection the device is now signed in through.
  // Errors: 404 not_found (not the owner's), 409 connection_not_ready (no user or
  // token yet), 409 connection_expired (Jellyfin rejected the token: the
  // connection is saved as `expired`), Jellyfin's quickconnect_disabled (409),
  // quickconnect_code_unknown (404), quickconnect_code_used (409), and its
  // transport/server errors (502/503/504; a refused address as kUnusableServer).
  // (device_authorize.cpp)
  Result<Connection> authorize_device(const std::string& owner, const std::string& id,
                                      const std::string& code);

  // Background: checks connections that are due; returns how many were checked.
  Result<int> check_due(int limit = 20);
  // Checks one connection now (verify or Quick Connect poll) and saves it. A
  // home connection's check also looks at the account (home_account.h).
  Result<Connection> check(Connection c, bool force_qc_poll);

  // Called (once wired, before serving) when a home connection's token is
  // rejected or its user is disabled or deleted: main() ends the user's sessions.
  void on_home_account_lost(HomeAccountLost f) { home_lost_ = std::move(f); }
  // At most this many connections per user, the home one included (0 = no cap);
  // beyond it create() answers 409 too_many_connections (edge/user_caps.h).
  void set_max_per_user(int64_t n) { max_per_user_ = n; }

 private:
  // Tells the hook when `reason` is not empty.
  Status home_lost(const Connection& c, const std::string& reason);
  // Refuses a new connection of `owner` beyond the cap; `claim` adds `id` to
  // the owner's set atomically (else only counts).
  Status admit_new(const std::string& owner, const std::string& id, bool claim);
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
  HomeAccountLost home_lost_;
  int64_t max_per_user_ = 0;
};

}  // namespace jb::auth
