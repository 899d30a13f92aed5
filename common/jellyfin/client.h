// client.h — our Jellyfin HTTP client (targets 10.9 → 12.0, API-NOTES).
//
// Sends only `Authorization: MediaBrowser …` (jf_auth.h) and uses the current
// routes (/UserViews, /UserPlayedItems, /UserFavoriteItems, /UserItems/…,
// /Items?userId=). Every failure comes back as an Error whose code says what
// happened in terms a caller can act on and a person can read (the codes are
// constants in errors.h, with the one transient/unreachable classification):
//
//   jellyfin_connection_refused  nothing listens at that address (502)
//   jellyfin_dns                 the host name does not resolve (502)
//   jellyfin_tls                 the TLS handshake/certificate failed (502)
//   jellyfin_timeout             no answer in time (504)
//   jellyfin_starting            503 while the server starts (retry_after set) (503)
//   jellyfin_rate_limited        429 (retry_after set) (503)
//   jellyfin_bad_credentials     wrong user name or password at sign-in (401)
//   jellyfin_user_disabled       403 at sign-in: disabled, too many sessions, not allowed (403)
//   jellyfin_token_rejected      a stored token/API key is no longer accepted (401)
//   jellyfin_forbidden           403 on another call (403)
//   jellyfin_not_found           404 (404)
//   jellyfin_bad_request         400 (400)
//   jellyfin_server_error        other 5xx (502)
//   not_jellyfin                 something answered, but not Jellyfin (502)
//   quickconnect_disabled        Quick Connect is off on that server (409)
//   quickconnect_code_unknown    authorising: no pending request has that code (404)
//   quickconnect_code_used       authorising: the code is already authorised (Jellyfin 500) (409)
//
// GETs are retried with exponential backoff on timeouts, 5xx and 503/429
// (honouring Retry-After up to RetryPolicy::max_wait_ms); writes are not
// retried here (callers make them idempotent and decide).
//
// Thread-safety: a Client is NOT thread-safe (it uses one HttpClient); create
// one per thread/job. The free functions are pure.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/core/result.h"
#include "common/jellyfin/auth.h"
#include "common/jellyfin/errors.h"
#include "common/jellyfin/items.h"
#include "common/net/http_client.h"

namespace jb::jf {

struct PublicInfo {
  std::string server_id, server_name, version, product_name;
  bool startup_wizard_completed = true;
};

struct User {
  std::string id, name;
  bool is_admin = false;
  bool is_disabled = false;
  bool remote_access = true;  // Policy.EnableRemoteAccess: may sign in from outside the LAN
};

struct AuthResult {
  std::string access_token;  // secret: never log or return it
  std::string server_id;
  User user;
};

struct QuickConnectState {
  std::string secret;  // secret: never log or return it
  std::string code;    // the 6 digits the user enters in Jellyfin
  bool authenticated = false;
};

struct RetryPolicy {
  int attempts = 3;           // total attempts for GETs (and writes when retry_writes)
  int base_ms = 200;          // first backoff
  int max_wait_ms = 5000;     // never sleep longer than this (Retry-After beyond it is returned)
  bool retry_writes = false;  // for callers whose writes are idempotent (absolute user-data writes)
};

// Admission control around every request, e.g. a per-server concurrency
// budget shared through Redis (server_budget.h). enter() may block; it is
// always paired with leave().
class RequestGate {
 public:
  virtual ~RequestGate() = default;
  virtual void enter() = 0;
  virtual void leave() = 0;
  // The server answered 429/503 with Retry-After: a shared gate holds every
  // request to that server (in every process) for `ms`.
  virtual void slow_down(int /*ms*/) {}
};

struct Library {
  std::string id, name, collection_type;
  std::optional<int64_t>
      child_count;  // Jellyfin's ChildCount: top-level entries (films, or series)
};

// Maps a transport error or an HTTP status to the codes above. `context` is
// "signin" for AuthenticateByName/QuickConnect (401/403 mean credentials/user),
// "quickconnect" for the device's own Quick Connect calls (401 = disabled),
// "quickconnect_authorize" for approving a code with a token (401 = disabled when
// the body says "Quick connect is disabled", else the token is rejected; 404 = the
// code is unknown or expired; 500 = already authorised), anything else for token calls.
Error classify_transport(const Error& e, const std::string& base_url);
Error classify_status(const HttpResponse& r, const std::string& base_url,
                      const std::string& context);
// Parses Retry-After (delta seconds or HTTP date); -1 when absent/invalid.
int parse_retry_after(const std::string& value, int64_t now_unix_s);

class Client {
 public:
  Client(HttpClient& http, std::string base_url, ClientIdentity identity, std::string token = "");
  void set_token(std::string token) { token_ = std::move(token); }
  void set_retry(RetryPolicy p) { retry_ = p; }
  const std::string& base_url() const { return base_; }
  // Replaces the backoff sleep (tests; callers that must stay responsive).
  void set_sleep_fn(std::function<void(int ms)> f) { sleep_ = std::move(f); }
  // Every request passes through the gate (not owned; nullptr = none).
  void set_gate(RequestGate* gate) { gate_ = gate; }
  // Asked right before every attempt is written (after the gate admitted it and
  // its connection is open, and again before each retry): an error stops the
  // request unsent and is returned as it is. Work steps use it as their lease
  // fence.
  void set_guard(std::function<Status()> guard) { guard_ = std::move(guard); }
  uint64_t requests() const { return requests_; }

  Result<PublicInfo> public_info();
  Result<AuthResult> authenticate_by_name(const std::string& username, const std::string& password);
  Result<User> me();
  Result<PublicInfo> system_info();  // authorized; works with API keys
  Status logout();
  Result<bool> quick_connect_enabled();
  Result<QuickConnectState> quick_connect_initiate();
  Result<QuickConnectState> quick_connect_state(const std::string& secret);
  Result<AuthResult> authenticate_with_quick_connect(const std::string& secret);
  // Approves a device's 6-digit code as the token's user, or as `user_id` when
  // not empty (an API key has no user of its own: it must name one).
  Status quick_connect_authorize(const std::string& code, const std::string& user_id = "");
  Result<std::vector<User>> users();
  Result<User> user(const std::string& user_id);
  Result<std::vector<Library>> user_views(const std::string& user_id);
  Result<std::vector<Library>> media_folders();
  // GET path (with query) under the base URL; returns the JSON document.
  Result<json::Document> get_json(const std::string& path_and_query);
  Result<ItemsPage> items(const std::string& query);  // "/Items?" + query

  // User-data writes (current routes; idempotent by nature).
  Result<UserData> mark_played(const std::string& item_id, const std::string& user_id,
                               std::optional<int64_t> date_played_us);
  Result<UserData> mark_unplayed(const std::string& item_id, const std::string& user_id);
  Result<UserData> set_favorite(const std::string& item_id, const std::string& user_id,
                                bool favorite);
  Result<UserData> update_user_data(const std::string& item_id, const std::string& user_id,
                                    const std::string& body_json);

  // Low level: one request, with auth header, classification and GET retries.
  Result<HttpResponse> request(const std::string& method, const std::string& path_and_query,
                               const std::string& body = "", const std::string& context = "token");

 private:
  // One attempt; `stopped` is set (and nothing sent) when the guard refused.
  Result<HttpResponse> once(const std::string& method, const std::string& url,
                            const std::string& body, std::optional<Error>& stopped);
  HttpClient& http_;
  std::string base_;
  ClientIdentity id_;
  std::string token_;
  RetryPolicy retry_;
  std::function<void(int)> sleep_;
  RequestGate* gate_ = nullptr;
  std::function<Status()> guard_;
  uint64_t requests_ = 0;
};

User parse_user(const json::Value& v);

}  // namespace jb::jf
