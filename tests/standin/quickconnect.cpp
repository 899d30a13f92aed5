// quickconnect.cpp — see quickconnect.h.
#include "tests/standin/quickconnect.h"

#include <sodium.h>

#include "tests/standin/responses.h"

namespace jb::standin {

std::string generate_code() {
  if (sodium_init() < 0) return "100000";
  uint32_t n = 100000 + randombytes_uniform(900000);  // unbiased
  return std::to_string(n);
}

std::string generate_secret() {
  return random_hex(32, true);
}

void expire_requests(State& s, int64_t now_us) {
  std::erase_if(s.qc_pending, [&](const auto& kv) {
    return kv.second.date_added < now_us - kQuickConnectTimeoutUs;
  });
  std::erase_if(s.qc_authorized, [&](const auto& kv) {
    return kv.second.authorized_at < now_us - kQuickConnectTimeoutUs;
  });
}

const QcRequest& initiate(State& s, const DeviceInfo& d, int64_t now_us) {
  expire_requests(s, now_us);
  QcRequest r;
  r.secret = generate_secret();
  for (;;) {
    r.code = generate_code();
    bool taken = false;
    for (const auto& [sec, q] : s.qc_pending) taken = taken || q.code == r.code;
    if (!taken) break;
  }
  r.device_id = d.device_id;
  r.device_name = d.device_name;
  r.app_name = d.app_name;
  r.app_version = d.app_version;
  r.date_added = now_us;
  auto [it, inserted] = s.qc_pending.emplace(r.secret, r);
  (void)inserted;
  return it->second;
}

Status authorize(State& s, const std::string& code, const Guid& user_id, int64_t now_us,
                 const ServerInfo& srv) {
  expire_requests(s, now_us);
  QcRequest* req = nullptr;
  for (auto& [sec, q] : s.qc_pending)
    if (q.code == code) req = &q;
  if (!req) return err_middleware(404, "Unable to find request with provided code.");
  if (req->authenticated) return err_middleware(500, "Request is already authorized");
  req->date_added = now_us + 60 * 1'000'000LL;
  if (user_id.empty()) return err_middleware(400, "Guid can't be empty");
  User* u = s.user(user_id);
  if (!u) return err_middleware(404, "User not found");
  if (at_session_limit(s, *u))
    return err_middleware(403, "User is at their maximum number of sessions.");
  const Device& d = issue_token(
      s, *u, DeviceInfo{req->device_id, req->device_name, req->app_name, req->app_version}, now_us);
  u->last_activity = now_us;
  s.qc_authorized[req->secret] = QcAuthorized{authentication_result_json(s, *u, d, srv), now_us};
  req->authenticated = true;
  return Status::Ok();
}

}  // namespace jb::standin
