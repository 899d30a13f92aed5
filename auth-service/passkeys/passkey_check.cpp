// passkey_check.cpp — see passkey_check.h.
#include "auth-service/passkeys/passkey_check.h"

namespace jb::auth {

Result<PasskeyVerdict> check_passkey(PasskeyStore& store, const webauthn::RelyingParty& rp,
                                     const AssertionCredential& cred, const PasskeyCheck& check,
                                     int64_t now_ms) {
  PasskeyVerdict v;
  auto refuse = [&v](const char* code, const std::string& why, int status) {
    v.refusal = Error(code, why, status);
    return v;
  };
  auto found = store.by_credential(cred.id);
  if (!found.ok()) return found.error();
  if (!*found || (!check.user_id.empty() && (*found)->user_id != check.user_id) ||
      (!cred.user_handle.empty() && cred.user_handle != (*found)->user_id))
    return refuse(errc::passkey_not_found, "This passkey is not registered here.", 401);
  Passkey p = std::move(**found);
  if (check.passwordless_only && !p.passwordless)
    return refuse(errc::passkey_not_found,
                  "This passkey is a second factor only; sign in with the password first.", 401);
  webauthn::Expected ex{check.challenge_sha256, rp, check.user_verification};
  auto ok = webauthn::verify_assertion(cred.assertion, ex, p.key, p.sign_count);
  if (!ok.ok()) {
    v.refusal = ok.error();
    return v;
  }
  auto use = store.record_use(p, ok->sign_count, ok->backed_up, now_ms);
  if (!use.ok()) return use.error();
  if (*use == PasskeyUse::kGone)
    return refuse(errc::passkey_not_found, "This passkey was removed.", 401);
  if (*use == PasskeyUse::kRegressed)  // another use of this counter value came first
    return refuse(errc::passkey_counter_regressed,
                  "This passkey's signature counter went backwards, so it may be a copy of the "
                  "authenticator; it was refused.",
                  401);
  p.sign_count = ok->sign_count;
  p.backed_up = ok->backed_up;
  p.last_used_ms = now_ms;
  v.passkey = std::move(p);
  return v;
}

}  // namespace jb::auth
