// home_account.h — what a check of a user's home connection says about their
// Jellyfin account, and the hook that ends their suite sessions when the
// account no longer lets them in.
//
// The home connection's check asks GET /Users/Me with the user's own token.
// Jellyfin (API-NOTES §1.1, §4) answers 401 for a revoked token, and also for
// a disabled or deleted user's token (disabling revokes the user's tokens,
// deleting revokes them first, and a disabled user's token is refused by the
// authentication layer), so all three usually show up as "home_token_rejected";
// a 200 whose Policy.IsDisabled is true is "home_user_disabled", a 404
// "home_user_deleted". Anything else (unreachable, 5xx) says nothing about the
// account: sessions stay until the server answers again.
//
// Thread-safety: pure functions; a HomeAccountLost hook must be thread-safe
// (it is called from request handlers and the background checker).
#pragma once

#include <functional>
#include <string>

#include "auth-service/connections/connection.h"
#include "common/core/result.h"
#include "common/jellyfin/client.h"

namespace jb::auth {

// Why the user's suite sessions must end ("home_token_rejected",
// "home_user_disabled", "home_user_deleted"), or "" when nothing says so.
std::string home_account_lost_reason(const Result<jf::User>& me);
// The same for a failed request made with the home token on any route (only a
// rejected token counts there: a 404 elsewhere is about something else).
std::string home_account_lost_reason(const Error& e);

// Called with the home connection and the reason when its user lost access;
// an error means the sessions may still be alive (the caller retries).
using HomeAccountLost = std::function<Status(const Connection& home, const std::string& reason)>;

}  // namespace jb::auth
