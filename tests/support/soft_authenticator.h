// soft_authenticator.h — a software WebAuthn authenticator and browser for
// tests: it holds a key pair made by OpenSSL (ES256 on P-256, or RSA for
// RS256), answers registration and authentication ceremonies with the bytes a
// real browser would send (clientDataJSON, authenticator data, a CBOR
// attestation object built with libcbor, signatures), and writes them as the
// JSON form the API takes (PublicKeyCredential.toJSON()). Every field can be
// bent (type, origin, rp id, flags, counter, signature, COSE algorithm), so
// tests can break one rule at a time.
//
// Thread-safety: one object per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace jb::testing {

// Authenticator data flags (WebAuthn §6.1).
constexpr uint8_t kUP = 0x01, kUV = 0x04, kBE = 0x08, kBS = 0x10, kAT = 0x40;

// What one ceremony says; the defaults are a correct answer.
struct Ceremony {
  std::string challenge;       // raw bytes the server issued
  std::string origin;          // e.g. "http://localhost:8080"
  std::string rp_id;           // e.g. "localhost"
  std::string type;            // "" = the ceremony's own ("webauthn.create" / ".get")
  uint8_t flags = kUP | kUV;   // kAT is added for a registration
  std::string fmt = "none";    // the attestation format
  bool bad_signature = false;  // flip a bit of the signature
};

class SoftAuthenticator {
 public:
  enum class Kind { kES256, kRS256 };
  // `rsa_bits` only for kRS256; `cose_alg` overrides the alg written in the COSE key (0 = real).
  explicit SoftAuthenticator(Kind kind = Kind::kES256, int rsa_bits = 2048, int64_t cose_alg = 0);
  ~SoftAuthenticator();
  SoftAuthenticator(const SoftAuthenticator&) = delete;
  SoftAuthenticator& operator=(const SoftAuthenticator&) = delete;

  const std::string& credential_id() const { return id_; }
  uint32_t counter = 0;  // the next assertion signs with ++counter (when counting)
  bool counting = true;  // false: always sign with counter 0 (authenticators that keep none)

  struct Registration {
    std::string client_data_json, attestation_object, authenticator_data;
  };
  Registration make_credential(const Ceremony& c) const;

  struct Assertion {
    std::string client_data_json, authenticator_data, signature;
  };
  Assertion get_assertion(const Ceremony& c);

  // The COSE_Key's CBOR bytes.
  std::string cose_key() const;

  // The JSON forms the API takes (binary fields base64url).
  std::string registration_json(const Registration& r) const;
  std::string assertion_json(const Assertion& a, const std::string& user_handle = "") const;

 private:
  struct Key;
  std::unique_ptr<Key> key_;
  std::string id_;
  int64_t cose_alg_;
};

// clientDataJSON as browsers write it.
std::string client_data_json(const std::string& type, const std::string& challenge,
                             const std::string& origin);
// SHA-256 (raw).
std::string sha256_raw(const std::string& data);

}  // namespace jb::testing
