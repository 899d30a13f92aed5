// signin_flow.h — one password sign-in at the home server under the edge's
// protection (signin_guard.h): refused before Jellyfin is asked when the
// address is banned, a bucket is empty or the account is locked; settled
// afterwards (a success clears the account's failures, a credential failure
// counts towards the address's ban, anything else gives the attempt back);
// every outcome audited (signin.success, signin.failure with the precise
// reason, lockout, ban). Every credential failure — wrong password, unknown
// user, disabled user — answers the same 401 sign_in_failed, no sooner than
// EdgePolicy::failure_min_ms after the sign-in began (the precise reason only
// goes to the audit log and the debug log).
//
// The audited events carry what security notifications need
// (auth-service/notify/outbox.h): signin.success the client's device label
// (detail "device"), and lockout and ban the user id the typed name last
// signed in as (`known_user`), so the account's owner hears of them.
//
// Thread-safety: thread-safe (the guard and the audit log are).
#pragma once

#include <functional>
#include <string>

#include "auth-service/audit/audit_log.h"
#include "auth-service/connections/home_signin.h"
#include "auth-service/edge/signin_guard.h"

namespace jb::auth {

// `sign_in` asks Jellyfin. A null guard only makes the failures uniform; a null
// audit log records nothing. Errors other than the edge's own and the uniform
// sign_in_failed are Jellyfin's (home_error() words them for the API).
// `device`: the client's device label (common/core/user_agent.h), "" if none.
// `known_user`: the suite user id a user name signed in as before ("" when
// unknown or on error); only asked when an account is locked or an address banned.
Result<HomeSignIn> guarded_sign_in(
    SignInGuard* guard, AuditLog* audit, const std::string& ip, const std::string& username,
    const std::function<Result<HomeSignIn>()>& sign_in, const std::string& device = "",
    const std::function<std::string(const std::string& username)>& known_user = nullptr);

// Quick Connect start from `ip`: the Error to answer (403 ip_banned, 429
// rate_limited), or nullopt to go ahead. A null guard never refuses.
std::optional<Error> refuse_quickconnect(SignInGuard* guard, AuditLog* audit,
                                         const std::string& ip);

}  // namespace jb::auth
