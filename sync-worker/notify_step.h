// notify_step.h — the "notify.send" work type: delivers one security
// notification to one of a user's channels (fields: user, channel,
// notification = notify::Notification as JSON; enqueued by auth-service's
// NotificationOutbox, auth-service/notify/outbox.h).
//
// The channel and its secret come from the vault RPC (never from Redis in
// clear); the request (common/notify/notification.h) goes through an
// HttpClient with the outbound policy (the SSRF guard: the channel's URL is the
// user's, so loopback and private addresses are refused unless
// JB_OUTBOUND_ALLOW admits them), no redirects. The delivery id sent to
// webhooks is the work entry's id, the same on every retry, so receivers can
// drop duplicates.
//   2xx                                   → done (acked)
//   408/425/429/5xx, transport errors,
//   the vault unreachable                 → "retry": redelivered after the lease
//                                           (JB_WORK_LEASE_MS), dead-lettered
//                                           after JB_WORK_MAX_DELIVERIES
//   other 4xx, a refused address, a bad
//   URL or item                           → dead letter, with the reason logged
//   the channel deleted meanwhile         → done (nothing to deliver)
// An email channel (the target is "mailto:<the user's confirmed address>",
// looked up by the vault RPC at delivery) is sent as notify::build_mail()
// makes it, through the SmtpClient (JB_SMTP_*):
//   sent                                  → done
//   smtp_failed, transport errors         → "retry" (as above)
//   smtp_invalid_message, no JB_SMTP_URL
//   in this worker                        → dead letter, with the reason logged
//   no confirmed address any more         → done (the vault answers as for a
//                                           deleted channel)
// Logs name the channel id and type, never its URL or secret; an email
// address only masked ("d***@example.org").
//
// Thread-safety: stateless apart from the deps, which are thread-safe (the
// SmtpClient's send() runs on many threads at once); each call makes its own
// HttpClient.
#pragma once

#include "common/jellyfin/vault_client.h"
#include "common/net/http_client.h"
#include "common/net/smtp_client.h"
#include "common/redis/work_queue.h"
#include "sync-worker/lease_keeper.h"

namespace jb::worker {

struct NotifyDeps {
  VaultClient* vault = nullptr;
  HttpClientOptions http;            // with the outbound policy
  const SmtpClient* smtp = nullptr;  // null or not enabled: email is not delivered
};

Status notify_step(const NotifyDeps& deps, const workq::Item& item, const WorkControl& ctl);

}  // namespace jb::worker
