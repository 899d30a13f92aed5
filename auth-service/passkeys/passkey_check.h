// passkey_check.h — one passkey assertion checked against the stored
// credential and recorded, the step both uses of a passkey share: as a sign-in
// challenge's second factor (security_handlers.cpp) and instead of the
// password (passkey_handlers.cpp). The credential is looked up by its id; it
// must belong to the expected user (when one is expected) and agree with the
// assertion's userHandle (when sent); webauthn::verify_assertion() checks the
// ceremony; PasskeyStore::record_use() then moves the signature counter
// forward atomically (a concurrent use of the same counter value loses) and
// keeps the backed-up flag and the time.
//
// Thread-safety: thread-safe (the store is).
#pragma once

#include <optional>
#include <string>

#include "auth-service/passkeys/passkey_bodies.h"
#include "auth-service/passkeys/passkey_store.h"
#include "auth-service/passkeys/webauthn.h"

namespace jb::auth {

struct PasskeyCheck {
  std::string challenge_sha256;  // the issued challenge (hex SHA-256 of its bytes)
  bool user_verification = false;
  bool passwordless_only = false;  // only passkeys allowed to replace the password
  std::string user_id;             // "" = whoever owns the credential
};

struct PasskeyVerdict {
  std::optional<Passkey> passkey;  // when it passed (the use recorded)
  std::optional<Error> refusal;    // when it did not: the rule that failed (its code)
};

// Errors only when the store cannot answer; a refused assertion is a verdict.
Result<PasskeyVerdict> check_passkey(PasskeyStore& store, const webauthn::RelyingParty& rp,
                                     const AssertionCredential& cred, const PasskeyCheck& check,
                                     int64_t now_ms);

}  // namespace jb::auth
