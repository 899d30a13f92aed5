// errors.h — the error codes of everything that talks to Jellyfin, and the one
// classification of them every service uses. A failure keeps its precise code
// (the API answers with it as the problem type); callers decide with:
//   is_transient   the same request may well succeed if sent again shortly
//                  (timeouts, 5xx, "starting", 429, refused or dropped connections);
//   is_unreachable the server cannot be used right now, whatever the account
//                  (the transient cases, plus DNS, TLS, "not a Jellyfin" and an
//                  address the outbound policy refuses):
//                  a connection shows `unreachable`, the home sign-in answers 503.
// A rejected token, wrong credentials, a 403 or a 404 are neither: they are
// about the account or the request, and retrying the same thing will not help.
//
// Thread-safety: constants and pure functions.
#pragma once

#include "common/core/result.h"

namespace jb::jf {

namespace errc {
constexpr const char* connection_refused = "jellyfin_connection_refused";  // 502
constexpr const char* dns = "jellyfin_dns";                                // 502
constexpr const char* tls = "jellyfin_tls";                                // 502
constexpr const char* timeout = "jellyfin_timeout";                        // 504
constexpr const char* unreachable = "jellyfin_unreachable";    // 502, other transport failures
constexpr const char* starting = "jellyfin_starting";          // 503 while it starts
constexpr const char* rate_limited = "jellyfin_rate_limited";  // 429 (shown as 503)
constexpr const char* bad_credentials = "jellyfin_bad_credentials";  // 401 at sign-in
constexpr const char* user_disabled = "jellyfin_user_disabled";      // 403 at sign-in
constexpr const char* token_rejected = "jellyfin_token_rejected";    // 401 with a stored token
constexpr const char* bad_api_key = "jellyfin_bad_api_key";          // 401 for a new API key
constexpr const char* forbidden = "jellyfin_forbidden";              // 403 otherwise
constexpr const char* not_found = "jellyfin_not_found";              // 404
constexpr const char* bad_request = "jellyfin_bad_request";          // 400
constexpr const char* server_error = "jellyfin_server_error";        // other 5xx
constexpr const char* not_jellyfin = "not_jellyfin";  // it answered, but is no Jellyfin
constexpr const char* quickconnect_disabled = "quickconnect_disabled";  // 409
// Authorising a device's Quick Connect code (POST /QuickConnect/Authorize):
constexpr const char* quickconnect_code_unknown = "quickconnect_code_unknown";  // 404 (or expired)
constexpr const char* quickconnect_code_used = "quickconnect_code_used";  // 409 (Jellyfin: 500)
constexpr const char* invalid_server_url = "invalid_server_url";          // 400
// 502: the server's address is refused by the outbound policy (JB_OUTBOUND_*); its
// message is kUnusableServer, never the address or the reason (those are logged).
constexpr const char* outbound_refused = "jellyfin_outbound_refused";
}  // namespace errc

// The one sentence an API caller (or a connection's last error) gets when a server
// may not be contacted, cannot be reached or is not a Jellyfin: it never says which,
// so the answers cannot be used to map the network Jellybridge sits in.
constexpr const char* kUnusableServer =
    "No usable Jellyfin server was found at this address: Jellybridge cannot or may not "
    "reach it, or it is not a Jellyfin server. Check the address, and ask the administrator "
    "whether Jellybridge may connect to it (JB_OUTBOUND_ALLOW).";

bool is_transient(const Error& e);
bool is_unreachable(const Error& e);

}  // namespace jb::jf
