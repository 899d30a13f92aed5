// passkey_handlers.h — passkeys (WebAuthn) in the API (issue 13):
//   POST   /api/v1/me/security/passkeys/options   {passwordless?, code?}: creation options
//   POST   /api/v1/me/security/passkeys           {challenge_id, name?, credential}: register
//   GET    /api/v1/me/security/passkeys           the user's passkeys
//   PATCH  /api/v1/me/security/passkeys/{id}      {name?, passwordless?, code?}
//   DELETE /api/v1/me/security/passkeys/{id}      remove one
//   POST   /api/v1/auth/challenge/{id}/passkey    request options bound to a sign-in challenge
//   POST   /api/v1/auth/passkey/options           request options to sign in without a password
//   POST   /api/v1/auth/passkey                   {challenge_id, credential, device_id?}: sign in
// (A passkey answers a sign-in challenge through POST /api/v1/auth/challenge/{id}
// with {"method":"passkey","credential":…}: security_handlers.cpp, passkey_answers().)
//
// The relying party is JB_PUBLIC_URL's host and its origin scheme://host[:port]
// (webauthn::relying_party); without JB_PUBLIC_URL every passkey route answers
// 503 passkeys_not_available. Registration needs a session (not an app
// password) and, once the user has an authenticator app, a current code, like
// every new way to sign in (needs_code_if_enrolled); so does turning
// "passwordless" on later. Removing or renaming needs no code (as removing an
// email address or an app password). Challenges are 32 random bytes, single
// use, 2 minutes (webauthn_challenges.h; a sign-in challenge's own passkey
// challenge lives in its record, ChallengeStore::set_passkey_challenge).
//
// Sign-in instead of the password: only a passkey registered or marked
// "passwordless" signs in, and only with user verification (UV: PIN or
// biometrics), which makes it two factors in one, so no second factor is asked
// afterwards. The suite has no password to show Jellyfin, so it asks Jellyfin
// about the account with the user's home connection token (HomeSignInService::
// resume: revoked, disabled, deleted or outside the LAN without remote access
// → refused; no home connection yet → 401 home_signin_required). Limited by the
// edge (SignInGuard::admit_passkey_options / admit_passkey_answer; a failure
// counts towards the address's ban) and audited (signin.success /
// signin.failure with method "passkey"). Registration, removal, renaming and
// the passwordless switch are audited as passkey.added, passkey.removed,
// passkey.renamed, passkey.passwordless (added and removed notify, outbox.h).
//
// Thread-safety: handlers run concurrently; all state is in the services.
#pragma once

#include "auth-service/passkeys/passkey_check.h"
#include "auth-service/security/challenge_store.h"
#include "auth-service/sessions/auth_handlers.h"
#include "common/net/http_server.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* passkeys_not_available = "passkeys_not_available";  // 503: no JB_PUBLIC_URL
}  // namespace jb::errc

namespace jb::auth {

void register_passkey_routes(http::Server& server, SignInDeps& deps);

// 503 passkeys_not_available: JB_PUBLIC_URL is not set.
Error passkeys_not_configured();
// A passkey's answer to sign-in challenge `ch` (its user's passkey, over the
// passkey challenge issued for it): the verdict; errors only when Redis fails.
Result<PasskeyVerdict> passkey_answers(SecurityDeps& deps, const Challenge& ch,
                                       const AssertionCredential& cred);

}  // namespace jb::auth
