// message_handlers.h — the admin routes of account messages (issue 14,
// Messages): the channels messages go out on and the templates they are
// written with. Suite administrators only (accounts/admin_guard.h: anyone else
// gets 403 admin_only, audited as admin.denied); every change is audited.
//
//   GET    /api/v1/admin/messages/channels              every channel type, configured or not
//   PUT    /api/v1/admin/messages/channels/{type}       configure (secrets sealed; left out = kept)
//   DELETE /api/v1/admin/messages/channels/{type}
//   POST   /api/v1/admin/messages/channels/{type}/test  queue a test message on it → 202
//   GET    /api/v1/admin/messages/templates             every kind's template and variables
//   GET|PUT|DELETE /api/v1/admin/messages/templates/{kind}   (DELETE: back to the default)
//   POST   /api/v1/admin/messages/templates/{kind}/preview  render with sample values
//
// Channel settings (JSON body of PUT; unknown fields are refused):
//   every type  enabled (bool, default true)
//   email       — (sent with JB_SMTP_* of sync-worker)
//   discord     webhook_url (secret), kinds (default ["announcement"])
//   telegram    bot_token (secret), api_url (default https://api.telegram.org)
//   matrix      homeserver_url, access_token (secret)
//   webhook     url, secret (HMAC key)
//
// Thread-safety: handlers run concurrently; every dependency is thread-safe.
#pragma once

#include "auth-service/audit/audit_log.h"
#include "auth-service/messages/message_channel_store.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"
#include "common/redis/client.h"

namespace jb::auth {

struct MessageDeps {
  Authenticator* auth = nullptr;
  AuditLog* audit = nullptr;
  MessageChannelStore* channels = nullptr;
  RedisPool* redis = nullptr;            // templates and the work queue
  std::string server_name = "Jellyfin";  // JB_SERVER_NAME: {{server_name}}
};

void register_message_routes(http::Server& server, MessageDeps& deps);

}  // namespace jb::auth
