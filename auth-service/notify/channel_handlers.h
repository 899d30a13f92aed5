// channel_handlers.h — a user's notification channels in the API (issue 12,
// Notifications); session only (an app password cannot change them):
//   GET    /api/v1/me/security/channels            the channels (never their secrets)
//   POST   /api/v1/me/security/channels            {type, name, url, token?, secret?, events?}
//                                                  a webhook without a secret gets one,
//                                                  shown once; at most 10 channels.
//                                                  {type: "email", name, events?}: no url,
//                                                  no secret; mail goes to the user's
//                                                  confirmed address (400 without one,
//                                                  503 email_not_available without SMTP)
//   DELETE /api/v1/me/security/channels/{id}       delete one
//   POST   /api/v1/me/security/channels/{id}/test  enqueue a test notification (202)
// and parse_channel_body(), the pure body parser (fuzzable).
//
// Thread-safety: handlers run concurrently; all state is in the stores.
#pragma once

#include "auth-service/api/io.h"
#include "auth-service/audit/audit_log.h"
#include "auth-service/notify/channel_store.h"
#include "auth-service/notify/outbox.h"
#include "auth-service/security/email_store.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"

namespace jb::auth {

struct ChannelDeps {
  Authenticator* auth = nullptr;
  ChannelStore* channels = nullptr;
  NotificationOutbox* outbox = nullptr;
  AuditLog* audit = nullptr;  // null: not recorded
  // The users' addresses: set when email is configured (JB_SMTP_URL); null:
  // email channels are refused (email_not_available).
  EmailStore* email = nullptr;
};

// The body of POST …/channels, validated (notify::validate); `token` and
// `secret` are the same setting under the name each service uses. An email
// channel with a url, token or secret is refused, each named.
BodyResult<notify::ChannelInput> parse_channel_body(const http::Request& r);

void register_channel_routes(http::Server& server, ChannelDeps& deps);

}  // namespace jb::auth
