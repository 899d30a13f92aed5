// passkey_bodies.h — the passkey routes' request bodies, as pure parsers
// (io.h): the browser's PublicKeyCredential in its JSON form (what
// PublicKeyCredential.toJSON() gives: binary fields base64url), checked for
// shape and size and decoded; WebAuthn's own checks are in webauthn.h.
// Members browsers add (authenticatorAttachment, clientExtensionResults,
// response.publicKey…) are allowed inside "credential" and ignored.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth-service/api/io.h"
#include "auth-service/passkeys/webauthn.h"
#include "common/core/json.h"
#include "common/net/http_server.h"

namespace jb::auth {

// A passkey's name: 1–64 characters.
constexpr size_t kMaxPasskeyName = 64;

struct RegistrationCredential {
  std::string id;  // raw credential id (id and rawId agree)
  std::string client_data_json, attestation_object;
  std::vector<std::string> transports;  // "usb", "nfc", "ble", "internal", "hybrid", …
};

struct AssertionCredential {
  std::string id;  // raw credential id
  webauthn::Assertion assertion;
  std::string user_handle;  // raw; "" when absent
};

// POST /api/v1/me/security/passkeys/options {passwordless?, code?}
struct PasskeyOptionsBody {
  bool passwordless = false;
  std::string code;
};
BodyResult<PasskeyOptionsBody> parse_passkey_options_body(const http::Request& r);

// POST /api/v1/me/security/passkeys {challenge_id, name?, credential}
struct PasskeyRegisterBody {
  std::string challenge_id;
  std::string name = "Passkey";
  RegistrationCredential credential;
};
BodyResult<PasskeyRegisterBody> parse_passkey_register_body(const http::Request& r);

// PATCH /api/v1/me/security/passkeys/{id} {name?, passwordless?, code?}
struct PasskeyPatchBody {
  std::optional<std::string> name;
  std::optional<bool> passwordless;
  std::string code;
};
BodyResult<PasskeyPatchBody> parse_passkey_patch_body(const http::Request& r);

// POST /api/v1/auth/passkey {challenge_id, credential, device_id?}
struct PasskeySignInBody {
  std::string challenge_id;
  AssertionCredential credential;
  std::string device_id;
};
BodyResult<PasskeySignInBody> parse_passkey_sign_in_body(const http::Request& r);

// The assertion in the "credential" member of the object `f` reads (also the
// second factor's answer, security_handlers.h); problems go to `f` as "credential.…".
std::optional<AssertionCredential> read_assertion(json::Fields& f);

}  // namespace jb::auth
