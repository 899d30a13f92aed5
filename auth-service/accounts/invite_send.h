// invite_send.h — an admin sends an invite by email, Telegram or Matrix
// (issue 14, "send an invite by a channel"):
//   POST /api/v1/admin/invites/{id}/send  {"email": "<address>"} | {"telegram":
//   <chat id>} | {"matrix": "<room id>"} (exactly one)  → 202
// enqueues an "invite" message (common/notify/message.h) to "mailto:<address>",
// "telegram:<chat id>" or "matrix:<room id>" (ids checked as contacts are,
// me/contact_logic.h) with vars link (JB_PUBLIC_URL + "/#/signup/<code>"; the
// code is opened from the vault only for this), invite_label and expires_at
// ("" when it never expires); the message worker renders and delivers it. A
// used-up or expired invite is refused (409 invite_used_up / 410
// invite_expired), as is one without a public link (503
// invite_link_unavailable: JB_PUBLIC_URL unset or the code cannot be opened).
// Audited as admin.invite.sent with the address (an email masked).
//
// Thread-safety: the handler runs concurrently; its dependencies are thread-safe.
#pragma once

#include "auth-service/accounts/account_handlers.h"
#include "common/net/http_server.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* invite_link_unavailable =
    "invite_link_unavailable";  // 503: no JB_PUBLIC_URL, or the invite's code cannot be opened
}  // namespace jb::errc

namespace jb::accounts {

void register_invite_send_route(http::Server& server, AccountDeps& deps);

}  // namespace jb::accounts
