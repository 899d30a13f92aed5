// otp.cpp — see otp.h. HMAC from OpenSSL (libsodium has no HMAC-SHA1, which
// RFC 6238's default and every authenticator app use).
#include "common/core/otp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

#include "common/core/crypto.h"
#include "common/core/text.h"

namespace jb::otp {

namespace {

const EVP_MD* md_of(Hash h) {
  switch (h) {
    case Hash::sha256:
      return EVP_sha256();
    case Hash::sha512:
      return EVP_sha512();
    case Hash::sha1:
      break;
  }
  return EVP_sha1();
}

uint32_t pow10(int digits) {
  uint32_t p = 1;
  for (int i = 0; i < digits; ++i) p *= 10;
  return p;
}

}  // namespace

std::string hotp(std::string_view key, uint64_t counter, int digits, Hash hash) {
  if (digits < 6) digits = 6;
  if (digits > 9) digits = 9;
  unsigned char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(md_of(hash), key.data(), static_cast<int>(key.size()), msg, sizeof msg, mac, &len) ||
      len < 20)
    return std::string(static_cast<size_t>(digits), '-');  // never equals a code of digits
  // Dynamic truncation (RFC 4226 §5.3).
  const unsigned offset = mac[len - 1] & 0x0F;
  const uint32_t bin = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                       (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                       (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                       static_cast<uint32_t>(mac[offset + 3]);
  std::string code = std::to_string(bin % pow10(digits));
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

int64_t time_step(int64_t unix_s, int step_s) {
  if (step_s <= 0) step_s = 30;
  if (unix_s < 0) return 0;
  return unix_s / step_s;
}

std::string totp(std::string_view key, int64_t unix_s, int digits, Hash hash, int step_s) {
  return hotp(key, static_cast<uint64_t>(time_step(unix_s, step_s)), digits, hash);
}

std::optional<int64_t> totp_match(std::string_view key, std::string_view code, int64_t unix_s,
                                  int window, int digits, Hash hash, int step_s) {
  if (static_cast<int>(code.size()) != digits) return std::nullopt;
  for (char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  const int64_t now = time_step(unix_s, step_s);
  std::optional<int64_t> found;
  // Every candidate is computed and compared, matched or not (no early exit to time).
  for (int d = 0; d <= window; ++d)
    for (int sign : {1, -1}) {
      if (d == 0 && sign < 0) continue;
      const int64_t step = now + sign * d;
      if (step < 0) continue;
      bool same = crypto::equal_ct(hotp(key, static_cast<uint64_t>(step), digits, hash), code);
      if (same && !found) found = step;
    }
  return found;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret) {
  const std::string is = text::url_encode(issuer);
  return "otpauth://totp/" + is + ":" + text::url_encode(account) +
         "?secret=" + std::string(base32_secret) + "&issuer=" + is +
         "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace jb::otp
