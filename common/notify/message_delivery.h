// message_delivery.h — account messages' channels (issue 14, Messages), the
// pure part: the channel types an admin configures, their settings'
// validation, the webhook event each kind is, and the request (or email) that
// delivers a rendered message on each channel:
//   discord   POST <webhook url>; {"content": subject + text, at most 2000
//             characters}
//   telegram  POST <api base>/bot<token>/sendMessage; {"chat_id","text"} (plain
//             text, at most 4096 characters)
//   matrix    PUT <homeserver>/_matrix/client/v3/rooms/<room>/send/
//             m.room.message/<txn id>; Authorization: Bearer <token>;
//             {"msgtype":"m.text","body":plain,"format":
//             "org.matrix.custom.html","formatted_body":html}; the txn id is the
//             delivery's stable id, so a retried PUT is the same event
//   webhook   POST <url>; {"event","kind","delivery","user":{"id","name"},"at",
//             "subject","text","html"} (a reset's text and html left out: its
//             link sets the password); X-Jellybridge-Delivery,
//             X-Jellybridge-Timestamp and X-Jellybridge-Signature signed as the
//             security notifications' webhook (notify::webhook_signature)
//   email     a text + HTML email to the address (common/net/smtp_client.h)
// A target is the channel as the vault hands it to the worker (notify::Target:
// type, url, secret — discord: the webhook url is the secret, url empty;
// telegram: url = API base, secret = bot token; matrix: url = homeserver,
// secret = access token; webhook: url, secret = HMAC key).
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
#include "common/notify/notification.h"
#include "common/notify/templates.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* message_rejected = "message_rejected";  // internal: a 4xx from a receiver
constexpr const char* message_gave_up = "message_gave_up";    // internal: every attempt failed
}  // namespace jb::errc

namespace jb::msg {

// email discord telegram matrix webhook
const std::vector<std::string>& channel_types();
bool is_channel_type(std::string_view type);

// What an admin configures for a channel type (the secret is kept sealed).
struct ChannelSettings {
  std::string type;
  bool enabled = true;
  std::string url;                 // webhook url, Telegram API base, Matrix homeserver; "" else
  std::string secret;              // Discord webhook url, bot token, access token, HMAC key
  std::vector<std::string> kinds;  // discord: the kinds it receives (default: announcement)
};
// The problems with a channel's settings, field by field (empty = usable).
// `has_secret`: a secret is stored already (an update may leave it out).
std::vector<std::pair<std::string, std::string>> validate_channel(const ChannelSettings& s,
                                                                  bool has_secret);
// The default Telegram API base.
inline constexpr const char* kTelegramApi = "https://api.telegram.org";

// The webhook event of a kind ("" = not sent to webhooks: confirmation).
std::string webhook_event(std::string_view kind);

// A rendered message on its way to one channel (no secrets).
struct Delivery {
  std::string id;  // stable across retries (the work entry's id)
  std::string kind, user_id, user_name;
  std::string to;  // email address, Telegram chat id or Matrix room id ("" for discord/webhook)
  Rendered content;
};

// Characters (code points), not bytes; cut with "…" when longer.
std::string truncate_chars(std::string_view text, size_t max_chars);

Result<HttpRequest> build_message_request(const notify::Target& t, const Delivery& d,
                                          int64_t now_unix_s);
// The email: plain text and HTML (an HTML page around the rendered fragment).
Result<MailMessage> build_message_mail(const Delivery& d);

}  // namespace jb::msg
