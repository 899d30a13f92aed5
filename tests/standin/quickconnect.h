// quickconnect.h — Jellyfin's QuickConnectManager as pure functions over the
// State (API-NOTES §2): 6-digit codes uniform in [100000, 999999] and
// 64-uppercase-hex secrets from the CSPRNG, lazy 10-minute expiry, approval
// creating the token for the initiating device (revoking that user's older
// token on the DeviceId) and pushing the request's DateAdded one minute into
// the future, a non-consuming exchange valid 10 minutes after approval.
//
// Thread-safety: none; call under the Store's exclusive lock.
#pragma once

#include <string>

#include "common/core/result.h"
#include "tests/standin/dto.h"
#include "tests/standin/sessions.h"

namespace jb::standin {

inline constexpr int64_t kQuickConnectTimeoutUs = 10 * 60 * 1'000'000LL;

std::string generate_code();    // "100000".."999999"
std::string generate_secret();  // 64 uppercase hex

void expire_requests(State& s, int64_t now_us);
const QcRequest& initiate(State& s, const DeviceInfo& d, int64_t now_us);
// Errors: 404 (middleware) unknown/expired code, 500 already authorized,
// 400 empty user id, 404 unknown user.
Status authorize(State& s, const std::string& code, const Guid& user_id, int64_t now_us,
                 const ServerInfo& srv);

}  // namespace jb::standin
