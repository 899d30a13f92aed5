// sessions.h — token and login rules shared by password login and Quick
// Connect (API-NOTES §1.2, §2, §10): a new token revokes the same user's
// older tokens on the same DeviceId; MaxActiveSessions counts the user's live
// sessions; failed logins count towards LoginAttemptsBeforeLockout (-1 = no
// lockout, 0 = 3) and a success resets the count.
//
// Thread-safety: none; call under the Store's exclusive lock.
#pragma once

#include <string>

#include "tests/standin/state.h"

namespace jb::standin {

struct DeviceInfo {
  std::string device_id, device_name, app_name, app_version;
};

// Returns the new token's Device (owned by s.tokens).
const Device& issue_token(State& s, User& u, const DeviceInfo& d, int64_t now_us);
int active_sessions(const State& s, const Guid& user_id);
// True when the user may not open another session (MaxActiveSessions ≥ 1 reached).
bool at_session_limit(const State& s, const User& u);
void record_failed_login(User& u);
void record_successful_login(User& u, int64_t now_us);

}  // namespace jb::standin
