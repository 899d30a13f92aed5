// channel_handlers.h — a user's notification channels in the API (issue 12,
// Notifications); session only (an app password cannot change them):
//   GET    /api/v1/me/security/channels            the channels (never their secrets)
//   POST   /api/v1/me/security/channels            {type, name, url, token?, secret?, events?}
//                                                  a webhook without a secret gets one,
//                                                  shown once; at most 10 channels
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
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"

namespace jb::auth {

struct ChannelDeps {
  Authenticator* auth = nullptr;
  ChannelStore* channels = nullptr;
  NotificationOutbox* outbox = nullptr;
  AuditLog* audit = nullptr;  // null: not recorded
};

// The body of POST …/channels, validated (notify::validate); `token` and
// `secret` are the same setting under the name each service uses.
BodyResult<notify::ChannelInput> parse_channel_body(const http::Request& r);

void register_channel_routes(http::Server& server, ChannelDeps& deps);

}  // namespace jb::auth
