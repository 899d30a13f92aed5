// crypto.cpp — see crypto.h.
#include "common/core/crypto.h"

#include <sodium.h>

#include "common/core/random.h"
#include "common/core/text.h"

namespace jb::crypto {

namespace {
constexpr const char* kPrefix = "jb1";

bool valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

std::string b64url(const unsigned char* p, size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);
  return out;
}

bool unb64(std::string_view in, std::vector<unsigned char>& out, int variant) {
  // Empty input decodes to nothing. It must not reach libsodium: the output
  // pointer (data() of an empty vector) would be null, which its nonnull(1) forbids.
  out.clear();
  if (in.empty()) return true;
  out.resize(in.size());
  size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), in.data(), in.size(), nullptr, &len, nullptr,
                        variant) != 0)
    return false;
  out.resize(len);
  return true;
}
}  // namespace

Result<KeyRing> KeyRing::parse(std::string_view text) {
  (void)rnd::hex(1);  // makes sure libsodium is initialised
  KeyRing ring;
  std::string t(text);
  for (auto& c : t)
    if (c == ',' || c == '\r') c = '\n';
  int line = 0;
  for (const auto& raw : text::split(t, '\n')) {
    ++line;
    std::string_view entry = text::trim(raw);
    if (entry.empty() || entry.front() == '#') continue;
    auto colon = entry.find(':');
    std::string where = "key entry " + std::to_string(line);
    if (colon == std::string_view::npos)
      return Error(errc::invalid_master_key,
                   where + " is not of the form <key id>:<base64 of 32 bytes>.");
    std::string_view id = entry.substr(0, colon);
    if (!valid_key_id(id))
      return Error(errc::invalid_master_key,
                   where + " has an invalid key id (1-32 of A-Z a-z 0-9 - _).");
    std::vector<unsigned char> bytes;
    std::string_view b64 = entry.substr(colon + 1);
    bool ok = unb64(b64, bytes, sodium_base64_VARIANT_ORIGINAL) ||
              unb64(b64, bytes, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) ||
              unb64(b64, bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (!ok || bytes.size() != 32)
      return Error(errc::invalid_master_key,
                   where + " (id '" + std::string(id) + "') is not base64 of exactly 32 bytes.");
    if (ring.find(id))
      return Error(errc::invalid_master_key, "key id '" + std::string(id) + "' appears twice.");
    Key k;
    k.id = std::string(id);
    std::copy(bytes.begin(), bytes.end(), k.bytes.begin());
    sodium_memzero(bytes.data(), bytes.size());
    ring.add(std::move(k));
  }
  if (ring.size() == 0) return Error(errc::invalid_master_key, "no key found.");
  return ring;
}

Key KeyRing::generate(const std::string& id) {
  Key k;
  k.id = id;
  rnd::bytes(k.bytes.data(), k.bytes.size());
  return k;
}

std::string KeyRing::format(const Key& k) {
  std::string out(sodium_base64_encoded_len(k.bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), k.bytes.data(), k.bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return k.id + ":" + out;
}

const Key* KeyRing::find(std::string_view id) const {
  for (const auto& k : keys_)
    if (k.id == id) return &k;
  return nullptr;
}

Result<std::string> seal(const KeyRing& ring, std::string_view plaintext, std::string_view aad) {
  const Key* k = ring.primary();
  if (!k) return Error(errc::vault_no_key, "The vault has no key.", 500);
  std::vector<unsigned char> buf(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                                 crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned char* nonce = buf.data();
  rnd::bytes(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(aad.data()), aad.size(), nullptr, nonce,
      k->bytes.data());
  buf.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + clen);
  return std::string(kPrefix) + "." + k->id + "." + b64url(buf.data(), buf.size());
}

std::string sealed_key_id(std::string_view sealed) {
  auto parts = text::split(sealed, '.', false);
  if (parts.size() != 3 || parts[0] != kPrefix) return "";
  return parts[1];
}

Result<std::string> open(const KeyRing& ring, std::string_view sealed, std::string_view aad) {
  auto parts = text::split(sealed, '.', false);
  if (parts.size() != 3 || parts[0] != kPrefix)
    return Error(errc::vault_corrupt, "A stored secret is not in the vault format.", 500);
  const Key* k = ring.find(parts[1]);
  if (!k)
    return Error(errc::vault_unknown_key,
                 "A stored secret was sealed with key '" + parts[1] + "', which is not configured.",
                 500);
  std::vector<unsigned char> buf;
  if (!unb64(parts[2], buf, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
      buf.size() <
          crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    return Error(errc::vault_corrupt, "A stored secret is damaged.", 500);
  std::string out(buf.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES -
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr,
          buf.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          buf.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const unsigned char*>(aad.data()), aad.size(), buf.data(),
          k->bytes.data()) != 0)
    return Error(errc::vault_corrupt,
                 "A stored secret failed authentication (wrong key or record).", 500);
  out.resize(mlen);
  return out;
}

std::string sha256_hex(std::string_view s) {
  unsigned char d[crypto_hash_sha256_BYTES];
  (void)rnd::hex(1);
  crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return text::hex_encode(d, sizeof d);
}

namespace {
void hmac_sha256(std::string_view key, std::string_view msg,
                 unsigned char (&mac)[crypto_auth_hmacsha256_BYTES]) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(msg.data()),
                                msg.size());
  crypto_auth_hmacsha256_final(&st, mac);
}
}  // namespace

std::string hmac_sha256_b64url(std::string_view key, std::string_view msg) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  hmac_sha256(key, msg, mac);
  return b64url(mac, sizeof mac);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view msg) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  hmac_sha256(key, msg, mac);
  std::string out(2 * sizeof mac + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), mac, sizeof mac);
  out.pop_back();
  return out;
}

std::string derive_key(const Key& master, uint64_t id, const char (&context)[9]) {
  static_assert(crypto_kdf_KEYBYTES == 32 && crypto_kdf_CONTEXTBYTES == 8);
  std::string out(32, '\0');
  crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(out.data()), out.size(), id, context,
                             master.bytes.data());
  return out;
}

bool equal_ct(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace jb::crypto
