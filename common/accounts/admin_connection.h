// admin_connection.h — where the designated admin connection is recorded
// (written by auth-service's AdminAccess, auth-service/accounts/admin_access.h;
// read by the workers' AdminClient, sync-worker/admin_client.h) and the error
// both answer when there is none.
//
// Redis key: jb:admin:connection  hash  connection_id owner set_ms
//
// Thread-safety: constants only.
#pragma once

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* admin_connection_missing =
    "admin_connection_missing";  // 503: no usable admin connection is designated
}  // namespace jb::errc

namespace jb::accounts {

inline constexpr const char* kAdminConnectionKey = "jb:admin:connection";

}  // namespace jb::accounts
