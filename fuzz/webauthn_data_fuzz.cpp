// webauthn_data_fuzz.cpp — what an authenticator and a browser send during a
// passkey ceremony, as the relying party reads it (auth-service/passkeys/):
// the attestation object (CBOR, libcbor), the authenticator data, the COSE
// public key and clientDataJSON.
//
// Input: raw bytes, tried as each of the four.
// Asserts: no crash, no unbounded allocation; an accepted authenticator data's
// attested credential id is 1–1023 bytes; an accepted COSE key is ES256 or
// RS256 with a non-empty DER key; every refusal carries an error code.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <cstdint>
#include <string>
#include <string_view>

#include "auth-service/passkeys/cose_key.h"
#include "auth-service/passkeys/webauthn_data.h"
#include "fuzz/fuzz_check.h"

using namespace jb::auth::webauthn;
using jb::fuzz::show;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto att = parse_attestation_object(in);
  FUZZ_CHECK(att.ok() || !att.error().code.empty(), show(in));
  if (att.ok()) {
    auto ad = parse_authenticator_data(att->auth_data);
    FUZZ_CHECK(ad.ok() || !ad.error().code.empty(), show(in));
  }
  auto ad = parse_authenticator_data(in);
  if (ad.ok() && ad->attested) {
    FUZZ_CHECK(!ad->attested->credential_id.empty() &&
                   ad->attested->credential_id.size() <= kMaxCredentialId,
               show(in));
    auto key = parse_cose_key(ad->attested->public_key);
    FUZZ_CHECK(key.ok() || !key.error().code.empty(), show(in));
  }
  auto key = parse_cose_key(in);
  if (key.ok())
    FUZZ_CHECK((key->alg == kAlgES256 || key->alg == kAlgRS256) && !key->spki_der.empty(),
               show(in));
  auto cd = parse_client_data(in);
  FUZZ_CHECK(cd.ok() || !cd.error().code.empty(), show(in));
  return 0;
}
