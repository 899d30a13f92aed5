// random.h — CSPRNG helpers on libsodium (randombytes_buf). Every generated
// secret, id and nonce in Jellybridge comes from here.
//
// Thread-safety: thread-safe (libsodium is initialised once, on first use).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace jb::rnd {

void bytes(void* out, size_t n);
std::string bytes(size_t n);
// n random bytes as 2n lowercase hex chars.
std::string hex(size_t n);
// n random bytes, URL-safe base64 without padding.
std::string b64url(size_t n);
// Uniform in [0, upper) without modulo bias.
uint32_t uniform(uint32_t upper);
// A random 128-bit id as 32 lowercase hex chars (like Jellyfin's Guid "N").
inline std::string id128() {
  return hex(16);
}
// Whether s has id128()'s form (32 lowercase hex chars): how untrusted input
// naming a run, pair or connection is checked before it is used.
inline bool is_id128(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace jb::rnd
