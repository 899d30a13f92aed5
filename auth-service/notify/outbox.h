// outbox.h — turns security events into `notify.send` work items (issue 12,
// Notifications): one item per channel of the user that subscribes to the
// event, on the work queue's urgent lane, delivered by sync-worker
// (sync-worker/notify_step.h) with the queue's retries and dead letters.
//
// It observes the audit log (AuditLog::set_observer): every audited event
// passes through on_audit(), which maps it to a notification event:
//   signin.success                 → signin.new_device, only when the address
//                                    block (/24 for IPv4, /64 for IPv6) or the
//                                    device (its label, detail "device": "Firefox
//                                    on Linux") is new for the user
//                                    (jb:notify:seen:<uid> and
//                                    jb:notify:devices:<uid>, sets of at most 100;
//                                    the first sign-in seen only records them)
//   lockout, ban                   → lockout, ban (the account's owner, when the
//                                    typed name has signed in before)
//   signin.second_factor, failed
//   with no attempts left          → second_factor_failed (the password was right)
//   signin.second_factor, ok, by
//   a recovery code                → recovery_code_used (with the codes left)
//   security.totp_enabled, security.totp_disabled, security.recovery_codes,
//   admin.second_factor_reset,
//   passkey.added, passkey.removed → second_factor
//   security.app_password_created  → app_password
//   security.pairing_approved (ok) → device_paired
//   connection.device_authorized
//   (ok)                           → device_authorized (a device signed in to a
//                                    Jellyfin server with a Quick Connect code the
//                                    user typed here; server_name, jellyfin_user)
// The decision, the channel lookup and the enqueueing are one Lua script: one
// Redis round trip per event. A failure is logged (log::best_effort) and never
// fails the request the event came from.
//
// Thread-safety: thread-safe (state in Redis, RedisPool).
#pragma once

#include <string>

#include "auth-service/audit/audit_log.h"
#include "common/notify/notification.h"
#include "common/redis/client.h"

namespace jb::auth {

// The address block a sign-in from `ip` counts as ("192.0.2.0/24", "2001:db8:1:2::/64").
std::string address_block(const std::string& ip);

class NotificationOutbox {
 public:
  explicit NotificationOutbox(RedisPool& redis) : redis_(redis) {}

  // The notification an audited event leads to, enqueued (no-op for other events).
  void on_audit(const AuditEvent& e) noexcept;
  // Enqueues `n` for every channel of n.user_id subscribed to n.event; answers how many.
  // seen_block, seen_device: when either is not "", only if one of them is new for
  // the user (both are recorded).
  Result<int64_t> publish(const notify::Notification& n, const std::string& seen_block = "",
                          const std::string& seen_device = "");
  // Enqueues `n` for one channel (the channel's test).
  Result<std::string> publish_to(const notify::Notification& n, const std::string& channel_id);

  static std::string seen_key(const std::string& user_id);
  static std::string seen_devices_key(const std::string& user_id);

 private:
  RedisPool& redis_;
};

}  // namespace jb::auth
