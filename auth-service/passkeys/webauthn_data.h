// webauthn_data.h — reading what a browser and an authenticator send during a
// WebAuthn ceremony (Level 2/3), as pure functions over untrusted bytes:
//   clientDataJSON        (§5.8.1)  JSON: type, challenge, origin, crossOrigin
//   authenticator data    (§6.1)    binary: rpIdHash, flags, signCount and, when
//                                   the AT flag is set, the attested credential
//                                   (aaguid, credential id, COSE public key)
//   attestation object    (§6.5)    CBOR map {fmt, attStmt, authData}
// CBOR is read with libcbor (cbor_load keeps its own stack, so hostile nesting
// cannot exhaust ours). cbor_load allocates an array's or a map's declared
// size before reading its items, so a few hostile bytes declaring 2^28 items
// would cost gigabytes: load_cbor() first walks the heads with libcbor's
// streaming decoder and refuses any collection that declares more items than
// bytes are left. Every length is checked before it is used; anything short,
// truncated or of the wrong shape is 400 passkey_malformed, never a crash.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/result.h"

struct cbor_item_t;

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* passkey_malformed = "passkey_malformed";  // 400: unreadable WebAuthn data
}  // namespace jb::errc

namespace jb::auth::webauthn {

// One CBOR item from the start of `bytes`, after the bounds walk above (null
// when unreadable); `read` says how many bytes it took. Free with cbor_decref.
cbor_item_t* load_cbor(std::string_view bytes, size_t& read);

// Authenticator data flags (§6.1).
constexpr uint8_t kFlagUserPresent = 0x01;
constexpr uint8_t kFlagUserVerified = 0x04;
constexpr uint8_t kFlagBackupEligible = 0x08;
constexpr uint8_t kFlagBackedUp = 0x10;
constexpr uint8_t kFlagAttestedData = 0x40;
constexpr uint8_t kFlagExtensions = 0x80;

// The longest credential id the suite accepts (§5.8.3: at most 1023 bytes).
constexpr size_t kMaxCredentialId = 1023;

struct ClientData {
  std::string type;       // "webauthn.create" | "webauthn.get"
  std::string challenge;  // the challenge's bytes (decoded from base64url)
  std::string origin;
  bool cross_origin = false;
};
Result<ClientData> parse_client_data(std::string_view json);

struct AttestedCredential {
  std::string aaguid;         // 16 bytes
  std::string credential_id;  // 1–1023 bytes
  std::string public_key;     // the COSE_Key's CBOR bytes (cose_key.h reads them)
};

struct AuthenticatorData {
  std::string rp_id_hash;  // 32 bytes: SHA-256 of the relying party id
  uint8_t flags = 0;
  uint32_t sign_count = 0;
  std::optional<AttestedCredential> attested;  // when kFlagAttestedData is set

  bool has(uint8_t flag) const { return (flags & flag) != 0; }
};
Result<AuthenticatorData> parse_authenticator_data(std::string_view bytes);

struct AttestationObject {
  std::string fmt;        // "none", "packed", … (the statement itself is not kept)
  std::string auth_data;  // the authenticator data's bytes
};
Result<AttestationObject> parse_attestation_object(std::string_view cbor);

}  // namespace jb::auth::webauthn
