// contact_handlers.h — the user's own contact details on the "my account" API
// (issue 14). A session is needed (not an app password), like /api/v1/me/security:
//   GET    /api/v1/me/contacts                   {email, telegram, matrix}: each
//                                                {address|chat_id|room_id, confirmed} or null
//   PUT    /api/v1/me/contacts/{kind}            {chat_id} | {room_id}: set it pending and
//                                                send a confirmation code over that channel
//   POST   /api/v1/me/contacts/{kind}/confirm    {code}: the pending id becomes confirmed
//   DELETE /api/v1/me/contacts/{kind}            remove it (confirmed and pending)
// kind: telegram | matrix. The email address keeps its own flow
// (PUT /api/v1/me/security/email, security/email_handlers.h; it is shown here):
// PUT/confirm/DELETE on kind "email" answer 400 naming those routes.
//
// The code is sent as a "contact_code" message (common/notify/message.h) to
// "telegram:<chat id>" / "matrix:<room id>" with vars code, channel and
// expires_at; the message worker delivers it. Sends pass the edge's email
// limits (per user and per recipient: JB_EMAIL_CODE_USER_*,
// JB_EMAIL_CODE_ADDRESS_*; 429 rate_limited); a code takes 5 wrong answers
// (contact_store.h). Every change is audited (me.contact_*); codes never are.
//
// Thread-safety: handlers run concurrently; all state is in the dependencies.
#pragma once

#include <cstdint>
#include <functional>

#include "auth-service/audit/audit_log.h"
#include "auth-service/edge/signin_guard.h"
#include "auth-service/me/contact_store.h"
#include "auth-service/security/email_store.h"
#include "auth-service/sessions/authenticator.h"
#include "common/net/http_server.h"
#include "common/redis/client.h"

namespace jb::me {

struct ContactDeps {
  auth::Authenticator* auth = nullptr;
  ContactStore* contacts = nullptr;
  RedisPool* redis = nullptr;          // the work queue the confirmation is enqueued on
  auth::EmailStore* emails = nullptr;  // the email address shown (null: always null)
  auth::SignInGuard* guard = nullptr;  // null: sends are not limited
  auth::AuditLog* audit = nullptr;     // null: not recorded
  std::function<int64_t()> now_ms;     // the clock codes expire by (null: real time)
};

// Pure: GET /api/v1/me/contacts's answer.
std::string contacts_json(const std::optional<auth::EmailAddress>& email, const Contacts& c);

void register_contact_routes(http::Server& server, ContactDeps& deps);

}  // namespace jb::me
