// connection.h — a Jellyfin connection: one server + one account, owned by one
// suite user. The plain struct, its Redis hash encoding, and its public JSON
// (which never contains a token, an API key or a Quick Connect secret).
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace jb::auth {

struct Connection {
  std::string id;
  std::string owner;           // suite user id
  std::string method;          // password | api_key | quickconnect
  std::string status;          // active | pending | expired | unreachable
  std::string pending_reason;  // user_id | approval (when pending)
  std::string server_url, server_id, server_name, server_version;
  std::string jf_user_id, jf_user_name;
  std::string device_id;  // one stable DeviceId per connection
  bool home = false;      // created by signing in to the suite
  std::string last_error_code, last_error;
  int64_t created_ms = 0, last_check_ms = 0, next_check_ms = 0;
  int64_t info_checked_ms = 0;  // when server_name/server_version were last asked (home sign-in)
  int failures = 0;             // consecutive failed checks (backoff)
  std::string qc_code;
  int64_t qc_expires_ms = 0;
  // Sealed secrets (vault format); empty when absent.
  std::string token_sealed;
  std::string qc_secret_sealed;
};

// Password and Quick Connect connections hold a user's own token (which we
// log out when replacing or deleting it); API-key connections do not.
bool uses_user_token(const Connection& c);
// The associated data the vault seals a connection's Quick Connect secret with.
std::string qc_secret_aad(const std::string& connection_id);

std::map<std::string, std::string> to_fields(const Connection& c);
Connection from_fields(const std::map<std::string, std::string>& f);
// Public JSON: no secrets, ever.
std::string to_json(const Connection& c);

}  // namespace jb::auth
