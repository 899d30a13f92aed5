// cose_key.h — a passkey's public key: the COSE_Key an authenticator hands over
// at registration (RFC 9052 §7, RFC 9053; CBOR read with libcbor) turned into
// an OpenSSL 3 key and kept as DER SubjectPublicKeyInfo, and signatures
// checked with it. Two algorithms, the ones WebAuthn clients offer first:
//   ES256 (-7)    EC2 key on P-256 (crv 1, x and y 32 bytes each); ECDSA with
//                 SHA-256, the signature DER-encoded (WebAuthn §6.5.5)
//   RS256 (-257)  RSA key (n, e) of at least 2048 bits; RSASSA-PKCS1-v1_5 with SHA-256
// The key's type must match its alg; anything else is refused.
//
// Thread-safety: pure functions (OpenSSL objects are made and freed per call).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
// 400: a key algorithm other than ES256 and RS256, or a key whose type does not match it
constexpr const char* passkey_unsupported_algorithm = "passkey_unsupported_algorithm";
constexpr const char* passkey_weak_key = "passkey_weak_key";  // 400: an RSA key under 2048 bits
constexpr const char* passkey_bad_signature = "passkey_bad_signature";  // 401
}  // namespace jb::errc

namespace jb::auth::webauthn {

constexpr int64_t kAlgES256 = -7;
constexpr int64_t kAlgRS256 = -257;
constexpr int kMinRsaBits = 2048;

struct PublicKey {
  int64_t alg = 0;       // kAlgES256 or kAlgRS256
  std::string spki_der;  // DER SubjectPublicKeyInfo
};

// The COSE_Key's CBOR bytes as a key (400 passkey_malformed, passkey_unsupported_algorithm,
// passkey_weak_key).
Result<PublicKey> parse_cose_key(std::string_view cbor);
// Whether `signature` over `data` was made with `key` (401 passkey_bad_signature if not).
Status verify_signature(const PublicKey& key, std::string_view data, std::string_view signature);

}  // namespace jb::auth::webauthn
