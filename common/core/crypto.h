// crypto.h — authenticated encryption of secrets at rest (the token vault) and
// secret hashing, on libsodium.
//
// seal(): XChaCha20-Poly1305 (IETF) with a fresh random 192-bit nonce and the
// record id as associated data, so a ciphertext moved to another record does
// not decrypt. Output: "jb1.<key id>.<base64url(nonce ‖ ciphertext ‖ tag)>".
// The key id prefix lets a KeyRing hold old keys for reading while new seals
// use the primary key (rotation: add a key, make it primary, re-seal, remove
// the old one).
//
// Key material format (JB_MASTER_KEY or one line per key in the key file):
//   <key id>:<base64 of 32 random bytes>      e.g. k2026a:3q2+7w…=
// The first key is the primary one.
//
// Thread-safety: KeyRing is immutable after loading and may be shared; the
// functions are pure (apart from the CSPRNG).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* invalid_master_key =
    "invalid_master_key";                               // a master key is not 32 bytes of base64
constexpr const char* vault_corrupt = "vault_corrupt";  // a sealed value does not open
constexpr const char* vault_no_key = "vault_no_key";    // no key to seal with
constexpr const char* vault_unknown_key =
    "vault_unknown_key";  // sealed with a key that is not configured
}  // namespace jb::errc

namespace jb::crypto {

struct Key {
  std::string id;
  std::array<uint8_t, 32> bytes{};
};

class KeyRing {
 public:
  // Parses "id:base64[,id:base64...]" or newline-separated lines. Errors never
  // echo key material.
  static Result<KeyRing> parse(std::string_view text);
  static Key generate(const std::string& id);
  static std::string format(const Key& k);  // "id:base64"

  void add(Key k) { keys_.push_back(std::move(k)); }
  const Key* primary() const { return keys_.empty() ? nullptr : &keys_.front(); }
  const Key* find(std::string_view id) const;
  size_t size() const { return keys_.size(); }

 private:
  std::vector<Key> keys_;
};

Result<std::string> seal(const KeyRing& ring, std::string_view plaintext, std::string_view aad);
Result<std::string> open(const KeyRing& ring, std::string_view sealed, std::string_view aad);
// The key id a sealed value was made with ("" if malformed).
std::string sealed_key_id(std::string_view sealed);

// SHA-256 of s as lowercase hex (for looking up high-entropy tokens by hash).
std::string sha256_hex(std::string_view s);
// Constant-time equality of two strings (lengths compared first, as public).
bool equal_ct(std::string_view a, std::string_view b);

// HMAC-SHA-256 of msg under key, as URL-safe base64 without padding (libsodium).
std::string hmac_sha256_b64url(std::string_view key, std::string_view msg);
// The same MAC as lowercase hex (what webhook receivers recompute; docs/notifications.md).
std::string hmac_sha256_hex(std::string_view key, std::string_view msg);
// A key of its own for one purpose, derived from a master key (libsodium's
// crypto_kdf, BLAKE2b): `context` is exactly 8 characters naming the purpose.
// The same master, id and context always give the same 32 bytes.
std::string derive_key(const Key& master, uint64_t id, const char (&context)[9]);

}  // namespace jb::crypto
