// webauthn.h — the relying party's checks of the two WebAuthn ceremonies, as
// pure functions (no Redis, no clock): registration (§7.1) and authentication
// (§7.2), given what the server expects (the challenge it issued, the
// relying party from JB_PUBLIC_URL, whether user verification is required).
//
// Registration: clientDataJSON's type is "webauthn.create", its challenge is
// the issued one, its origin the relying party's origin (crossOrigin refused);
// the authenticator data's rpIdHash is SHA-256 of the relying party id, UP is
// set, UV too when required, BS only with BE, the attested credential data is
// there; the COSE key is ES256 on P-256 or RS256 with ≥ 2048 bits (cose_key.h).
// Attestation: every format is accepted and its statement ignored, i.e. treated
// as "none" (the options ask for "none"; the suite does not vet authenticator
// makers, so a statement would prove nothing it uses).
//
// Authentication: the same client data checks with "webauthn.get", the same
// authenticator data checks, the signature over authenticatorData ‖
// SHA-256(clientDataJSON) with the stored key, and the signature counter: when
// the stored or the new counter is non-zero, the new one must be greater
// (else 401 passkey_counter_regressed: possibly a cloned authenticator).
//
// Each rule has its own error code, so tests and the audit log say which one failed.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth-service/passkeys/cose_key.h"
#include "auth-service/passkeys/webauthn_data.h"
#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* passkey_wrong_type = "passkey_wrong_type";  // 400: not this ceremony's data
constexpr const char* passkey_challenge_mismatch = "passkey_challenge_mismatch";  // 400
constexpr const char* passkey_origin_mismatch = "passkey_origin_mismatch";        // 400
constexpr const char* passkey_rp_mismatch = "passkey_rp_mismatch";  // 400: another rpIdHash
constexpr const char* passkey_user_not_present = "passkey_user_not_present";    // 400: no UP flag
constexpr const char* passkey_user_not_verified = "passkey_user_not_verified";  // 400: no UV flag
constexpr const char* passkey_counter_regressed = "passkey_counter_regressed";  // 401: cloned?
}  // namespace jb::errc

namespace jb::auth::webauthn {

struct RelyingParty {
  std::string id;      // the host of JB_PUBLIC_URL ("media.example.org")
  std::string origin;  // scheme://host[:port] of JB_PUBLIC_URL, as browsers write origins
};
// The relying party of a public URL (JB_PUBLIC_URL): 400 invalid_request when
// it is not an http(s) URL with a host.
Result<RelyingParty> relying_party(std::string_view public_url);

// What the server expects of a ceremony's answer.
struct Expected {
  std::string challenge_sha256;  // hex SHA-256 of the challenge's bytes (only that is stored)
  RelyingParty rp;
  bool user_verification = false;  // UV required
};

struct NewCredential {
  std::string credential_id;  // raw bytes
  PublicKey key;
  uint32_t sign_count = 0;
  bool user_verified = false, backup_eligible = false, backed_up = false;
  std::string fmt;  // the attestation format the authenticator used (its statement is ignored)
};
Result<NewCredential> verify_registration(std::string_view client_data_json,
                                          std::string_view attestation_object,
                                          const Expected& expected);

struct Assertion {
  std::string client_data_json, authenticator_data, signature;  // raw bytes
};
struct AssertionResult {
  uint32_t sign_count = 0;
  bool user_verified = false, backed_up = false;
};
// `stored_count`: the credential's signature counter so far.
Result<AssertionResult> verify_assertion(const Assertion& a, const Expected& expected,
                                         const PublicKey& key, uint32_t stored_count);

// Whether a new signature counter shows a possibly cloned authenticator.
bool counter_regressed(uint32_t stored, uint32_t now);
// SHA-256 of `data` (raw 32 bytes).
std::string sha256(std::string_view data);

}  // namespace jb::auth::webauthn
