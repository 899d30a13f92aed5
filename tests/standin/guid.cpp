// guid.cpp — see guid.h.
#include "tests/standin/guid.h"

#include <openssl/sha.h>
#include <sodium.h>

#include "common/core/text.h"

namespace jb::standin {

namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool from_hex32(std::string_view hex, Guid& out) {
  if (hex.size() != 32) return false;
  for (size_t i = 0; i < 16; ++i) {
    int a = hexval(hex[2 * i]), c = hexval(hex[2 * i + 1]);
    if (a < 0 || c < 0) return false;
    out.b[i] = static_cast<uint8_t>((a << 4) | c);
  }
  return true;
}

void ensure_sodium() {
  static const int rc = sodium_init();  // thread-safe static init; idempotent
  (void)rc;
}

}  // namespace

std::string Guid::str() const {
  return text::hex_encode(b.data(), b.size());
}

std::string Guid::dashed() const {
  std::string h = str();
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

std::optional<Guid> parse_guid(std::string_view s) {
  s = text::trim(s);
  if (s.size() == 38 &&
      ((s.front() == '{' && s.back() == '}') || (s.front() == '(' && s.back() == ')')))
    s = s.substr(1, 36);
  Guid g;
  if (s.size() == 32) {
    if (from_hex32(s, g)) return g;
    return std::nullopt;
  }
  if (s.size() == 36) {
    if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return std::nullopt;
    std::string hex;
    hex.reserve(32);
    for (size_t i = 0; i < s.size(); ++i)
      if (i != 8 && i != 13 && i != 18 && i != 23) hex.push_back(s[i]);
    if (from_hex32(hex, g)) return g;
  }
  return std::nullopt;
}

Guid random_guid() {
  ensure_sodium();
  Guid g;
  randombytes_buf(g.b.data(), g.b.size());
  g.b[6] = static_cast<uint8_t>((g.b[6] & 0x0f) | 0x40);
  g.b[8] = static_cast<uint8_t>((g.b[8] & 0x3f) | 0x80);
  return g;
}

std::string random_hex(size_t n_bytes, bool upper) {
  ensure_sodium();
  std::string raw(n_bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return text::hex_encode(raw, upper);
}

Guid derived_guid(std::string_view text) {
  uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const uint8_t*>(text.data()), text.size(), digest);
  Guid g;
  std::memcpy(g.b.data(), digest, 16);
  g.b[6] = static_cast<uint8_t>((g.b[6] & 0x0f) | 0x40);
  g.b[8] = static_cast<uint8_t>((g.b[8] & 0x3f) | 0x80);
  return g;
}

bool is_guid_n(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace jb::standin
