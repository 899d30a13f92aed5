// outbox.cpp — see outbox.h.
#include "auth-service/notify/outbox.h"

#include <arpa/inet.h>

#include <map>

#include "auth-service/notify/channel_store.h"
#include "common/core/log.h"
#include "common/core/time.h"
#include "common/redis/keys.h"
#include "common/redis/script.h"
#include "common/redis/work_queue.h"

namespace jb::auth {

namespace {

// KEYS[1] routes hash, KEYS[2] seen blocks, KEYS[3] stream, KEYS[4] seen devices;
// ARGV[1] event, ARGV[2] seen block, ARGV[3] notification JSON, ARGV[4] user id,
// ARGV[5] seen device (ARGV[2] and ARGV[5] both "" = always)
// → the number of items enqueued. A set seen for the first time only records.
const RedisScript kPublish(R"lua(
local function new_in(set, member)
  if member == '' then return false end
  local first = redis.call('EXISTS', set) == 0
  local added = redis.call('SADD', set, member) == 1
  if redis.call('SCARD', set) > 100 then redis.call('SPOP', set) end
  return added and not first
end
if ARGV[2] ~= '' or ARGV[5] ~= '' then
  local new_block = new_in(KEYS[2], ARGV[2])
  local new_device = new_in(KEYS[4], ARGV[5])
  if not new_block and not new_device then return 0 end
end
local routes = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 1, #routes, 2 do
  local ev = routes[i + 1]
  if ev == '*' or string.find(ev, ',' .. ARGV[1] .. ',', 1, true) then
    redis.call('XADD', KEYS[3], '*', 'type', 'notify.send', 'user', ARGV[4],
               'channel', routes[i], 'notification', ARGV[3])
    n = n + 1
  end
end
return n
)lua");

const std::map<std::string, std::string>& event_map() {
  static const std::map<std::string, std::string> m{
      {"lockout", "lockout"},
      {"ban", "ban"},
      {"security.totp_enabled", "second_factor"},
      {"security.totp_disabled", "second_factor"},
      {"security.recovery_codes", "second_factor"},
      {"admin.second_factor_reset", "second_factor"},
      {"passkey.added", "second_factor"},
      {"passkey.removed", "second_factor"},
      {"security.app_password_created", "app_password"},
      {"security.pairing_approved", "device_paired"},
      {"connection.device_authorized", "device_authorized"},
  };
  return m;
}

}  // namespace

std::string address_block(const std::string& ip) {
  unsigned char b[16];
  char out[INET6_ADDRSTRLEN];
  // An IPv4-mapped address (how some sockets report IPv4 clients) is its IPv4 address.
  const std::string v4 = ip.rfind("::ffff:", 0) == 0 ? ip.substr(7) : ip;
  if (inet_pton(AF_INET, v4.c_str(), b) == 1) {
    b[3] = 0;
    return std::string(inet_ntop(AF_INET, b, out, sizeof out)) + "/24";
  }
  if (inet_pton(AF_INET6, ip.c_str(), b) == 1) {
    for (int i = 8; i < 16; ++i) b[i] = 0;
    return std::string(inet_ntop(AF_INET6, b, out, sizeof out)) + "/64";
  }
  return ip;
}

std::string NotificationOutbox::seen_key(const std::string& user_id) {
  return "jb:notify:seen:" + user_id;
}

std::string NotificationOutbox::seen_devices_key(const std::string& user_id) {
  return "jb:notify:devices:" + user_id;
}

Result<int64_t> NotificationOutbox::publish(const notify::Notification& n,
                                            const std::string& seen_block,
                                            const std::string& seen_device) {
  auto c = redis_.acquire();
  auto r = kPublish.run(*c,
                        {ChannelStore::routes_key(n.user_id), seen_key(n.user_id),
                         keys::work_urgent_stream(), seen_devices_key(n.user_id)},
                        {n.event, seen_block, notify::to_json(n), n.user_id, seen_device});
  if (!r.ok()) return r.error();
  return r->integer;
}

Result<std::string> NotificationOutbox::publish_to(const notify::Notification& n,
                                                   const std::string& channel_id) {
  auto c = redis_.acquire();
  return workq::enqueue(*c, workq::default_names().urgent_lane(),
                        {{"type", "notify.send"},
                         {"user", n.user_id},
                         {"channel", channel_id},
                         {"notification", notify::to_json(n)}});
}

void NotificationOutbox::on_audit(const AuditEvent& e) noexcept {
  try {
    if (e.user_id.empty()) return;
    notify::Notification n{"", e.user_id, e.user_name, e.ip, timeutil::now_unix_s(), {}};
    std::string seen, device;
    if (e.type == "signin.success" && e.outcome == "ok") {
      n.event = "signin.new_device";
      seen = address_block(e.ip);
      for (const auto& [k, v] : e.detail) {
        if (k == "method" || k == "device") n.detail.emplace_back(k, v);
        if (k == "device") device = v;
      }
    } else if (e.type == "signin.second_factor") {
      // The password was right: a burned challenge or a recovery code is news to the owner.
      auto value = [&e](const std::string& key) {
        for (const auto& [k, v] : e.detail)
          if (k == key) return v;
        return std::string();
      };
      if (e.outcome == "fail" && value("attempts_left") == "0") {
        n.event = "second_factor_failed";
        n.detail.emplace_back("method", value("method"));
      } else if (e.outcome == "ok" && value("method") == "recovery") {
        n.event = "recovery_code_used";
        if (auto left = value("recovery_codes_left"); !left.empty())
          n.detail.emplace_back("recovery_codes_left", left);
      } else {
        return;
      }
    } else if (auto it = event_map().find(e.type); it != event_map().end()) {
      if (e.outcome == "fail") return;
      n.event = it->second;
      if (e.type == "lockout" || e.type == "ban") {
        for (const auto& [k, v] : e.detail)
          if (k == "failures" || k == "duration_s") n.detail.emplace_back(k, v);
      } else if (e.type == "connection.device_authorized") {
        for (const auto& [k, v] : e.detail)
          if (k == "server_name" || k == "jellyfin_user") n.detail.emplace_back(k, v);
      } else {
        n.detail.emplace_back("change", e.type);
      }
    } else {
      return;
    }
    log::best_effort(publish(n, seen, device), "enqueueing a security notification");
  } catch (const std::exception& x) {
    log::warn("enqueueing a security notification failed", {{"error", x.what()}});
  }
}

}  // namespace jb::auth
