// notification.h — security notifications (issue 12), the pure part shared by
// auth-service (which decides and enqueues them) and sync-worker (which
// delivers them): the events, a channel's settings and their validation, the
// notification as carried in a `notify.send` work item, and the HTTP request
// each channel type sends:
//   ntfy     POST <topic url>; body = the message; Title, Priority, Tags headers;
//            Authorization: Bearer <token> when a token is set
//   gotify   POST <server url>/message; {"title","message","priority"};
//            X-Gotify-Key: <application token>
//   webhook  POST <url>; {"event","user","at","detail"}; X-Jellybridge-Delivery,
//            X-Jellybridge-Timestamp (unix seconds) and X-Jellybridge-Signature:
//            sha256=<hex HMAC-SHA-256(secret, timestamp + "." + body)>
//            (how receivers verify it: docs/notifications.md)
//   email    not HTTP: build_mail() makes the message sync-worker sends with
//            common/net/smtp_client.h. An email channel has no URL and no
//            secret: it always goes to the user's confirmed address, which
//            auth-service's vault RPC looks up at delivery and hands over as
//            the target's url "mailto:<address>" (never an address typed into
//            the channel, so it cannot mail strangers). build_request()
//            refuses it.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/result.h"
#include "common/net/http_client.h"
#include "common/net/smtp_client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* channel_not_found = "channel_not_found";  // 404 (also from the vault RPC)
constexpr const char* channel_type_unsupported = "channel_type_unsupported";  // internal
constexpr const char* notification_invalid = "notification_invalid";          // internal
constexpr const char* notification_rejected = "notification_rejected";        // internal: 4xx
constexpr const char* notify_email_unavailable = "notify_email_unavailable";  // internal: no SMTP
}  // namespace jb::errc

namespace jb::notify {

// The events a channel may subscribe to ("test" is always delivered).
const std::vector<std::string>& event_names();
bool is_event(std::string_view name);

// What the user configures (the secret is kept sealed by auth-service).
struct ChannelInput {
  std::string type;  // "ntfy" | "gotify" | "webhook" | "email"
  std::string name;
  std::string url;                  // "" for email (it goes to the confirmed address)
  std::string secret;               // ntfy token, Gotify app token or webhook secret ("" = none)
  std::vector<std::string> events;  // empty = every event
};
// The problems with a channel's settings, field by field (empty = usable).
std::vector<std::pair<std::string, std::string>> validate(const ChannelInput& in);

// One notification as a `notify.send` item carries it (no secrets).
struct Notification {
  std::string event;      // one of event_names() or "test"
  std::string user_id;    // the Jellybridge user it is about
  std::string user_name;  // as known ("" when not)
  std::string ip;         // the client address involved ("" when none)
  int64_t at = 0;         // unix seconds
  std::vector<std::pair<std::string, std::string>> detail;  // small, no secrets
};
std::string to_json(const Notification& n);
Result<Notification> notification_from_json(std::string_view text);
// A sentence for a person ("New sign-in to alice from 192.0.2.7 (Firefox on Linux)").
std::string title(const Notification& n);
std::string message(const Notification& n);

// Where and how to deliver: the channel as the vault hands it to the worker
// (for email: url = "mailto:<the user's confirmed address>", no secret).
struct Target {
  std::string type, url, secret;
};
// "sha256=" + lowercase hex HMAC-SHA-256(secret, timestamp + "." + body).
std::string webhook_signature(std::string_view secret, int64_t timestamp, std::string_view body);
// The request delivering `n` to `t` (delivery_id names this delivery; now = unix seconds).
Result<HttpRequest> build_request(const Target& t, const Notification& n,
                                  const std::string& delivery_id, int64_t now);

// The email delivering `n` to an email target: To = the target's mailto:
// address, Subject = title(n), body = message(n) and a footer naming the
// Jellybridge event and where to change channels; From is left empty (the
// SmtpClient's configured sender). smtp_invalid_message when the target is
// not a mailto: with a valid address.
Result<MailMessage> build_mail(const Target& t, const Notification& n);

// What an answer means for the delivery.
enum class Outcome { delivered, retry, rejected };
Outcome classify(long http_status);

}  // namespace jb::notify
