// message_step.h — the account messages' work types (issue 14, Messages):
//
// "msg.send" (field message = jb::msg::Message as JSON; enqueued by
// jb::msg::enqueue, common/notify/message.h): renders the kind's template (the
// admin's, else the default; common/notify/template_store.h) with the
// message's variables, finds where it goes and fans it out as one
// "msg.deliver" item per channel (common/notify/delivery_queue.h), exactly
// once per (message, channel) even when the step is redone:
//   to "mailto:<addr>" / "telegram:<chat>" / "matrix:<room>"
//                                  → that address on that channel
//   to "" (the user's)             → email to the user's confirmed address
//                                    (jb:2fa:email:<uid>, confirmed=1), Telegram
//                                    and Matrix to the confirmed ids in
//                                    jb:contacts:<uid> (fields telegram, matrix)
//   and in both cases              → Discord when the kind is among its kinds
//                                    (default: announcement); the webhook for
//                                    every kind it has an event for
// Discord is one channel for everyone: an announcement (enqueued once per
// user) is posted there once — the same subject and text within 7 days.
// A channel is used when the admin configured it enabled (jb:msg:channels);
// email also when it is not configured at all (it needs JB_SMTP_URL here).
//
// "msg.deliver": sends one delivery. The channel's secret comes from the
// vault RPC (message_channel); every URL goes through the outbound policy (the
// SSRF guard), no redirects. The delivery id (Matrix txn id, webhook
// X-Jellybridge-Delivery) is the entry's id, the same on every retry.
//   2xx                                    → done
//   408/425/429/5xx, transport errors, the
//   vault unreachable, the mail server     → retried with backoff: the next attempt
//                                            waits in jb:msg:retry (delivery_queue.h)
//                                            JB_MSG_RETRY_BASE_MS·2^(attempt−1), at most
//                                            an hour, at least a Retry-After (Discord's
//                                            429); after JB_MSG_MAX_ATTEMPTS attempts a
//                                            dead letter (message_gave_up)
//   other 4xx, a refused address, a bad
//   URL or item, no JB_SMTP_URL            → dead letter, with the reason logged
//   the channel removed or disabled        → done (nothing to deliver)
// Logs name the channel type, the kind and the entry; addresses only masked,
// never a token or a URL.
//
// Thread-safety: stateless apart from the deps, which are thread-safe.
#pragma once

#include "common/jellyfin/vault_client.h"
#include "common/net/http_client.h"
#include "common/net/smtp_client.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "sync-worker/lease_keeper.h"

namespace jb::worker {

struct MessageDeps {
  RedisPool* redis = nullptr;
  VaultClient* vault = nullptr;
  HttpClientOptions http;                // with the outbound policy
  const SmtpClient* smtp = nullptr;      // null or not enabled: email is not delivered
  std::string server_name = "Jellyfin";  // JB_SERVER_NAME: {{server_name}}
  int64_t retry_base_ms = 30000;         // JB_MSG_RETRY_BASE_MS: the first retry's wait
  int max_attempts = 8;                  // JB_MSG_MAX_ATTEMPTS: then dead-lettered
};

Status message_send_step(const MessageDeps& deps, const workq::Item& item, const WorkControl& ctl);
Status message_deliver_step(const MessageDeps& deps, const workq::Item& item,
                            const WorkControl& ctl);

}  // namespace jb::worker
