// sessions.cpp — see sessions.h.
#include "tests/standin/sessions.h"

namespace jb::standin {

const Device& issue_token(State& s, User& u, const DeviceInfo& d, int64_t now_us) {
  std::erase_if(s.tokens, [&](const auto& kv) {
    return kv.second.user_id == u.id && kv.second.device_id == d.device_id;
  });
  Device dev;
  dev.token = random_guid().str();
  dev.user_id = u.id;
  dev.device_id = d.device_id;
  dev.device_name = d.device_name;
  dev.app_name = d.app_name;
  dev.app_version = d.app_version;
  dev.date_created = now_us;
  dev.date_last_activity = now_us;
  dev.session_id = random_guid();
  auto [it, inserted] = s.tokens.emplace(dev.token, dev);
  (void)inserted;
  return it->second;
}

int active_sessions(const State& s, const Guid& user_id) {
  int n = 0;
  for (const auto& [tok, d] : s.tokens)
    if (d.user_id == user_id) ++n;
  return n;
}

bool at_session_limit(const State& s, const User& u) {
  int max = u.policy.max_active_sessions;
  return max >= 1 && active_sessions(s, u.id) >= max;
}

void record_failed_login(User& u) {
  ++u.policy.invalid_login_attempt_count;
  int max = u.policy.login_attempts_before_lockout;
  if (max == 0) max = 3;
  if (max > 0 && u.policy.invalid_login_attempt_count >= max) u.policy.is_disabled = true;
}

void record_successful_login(User& u, int64_t now_us) {
  u.policy.invalid_login_attempt_count = 0;
  u.last_login = now_us;
  u.last_activity = now_us;
}

}  // namespace jb::standin
