// guid.h — Jellyfin-style GUIDs for the stand-in: 16 raw bytes, written as 32
// lowercase hex characters ("N" format, what Jellyfin puts on the wire), read
// in any form .NET's Guid.Parse accepts that clients use (N, D, B, P).
// Random ids come from libsodium's CSPRNG; deterministic ids (for the seed
// generator and for ids derived from names) come from SHA-256.
//
// Thread-safety: Guid is a plain value. The free functions are pure except
// random_guid()/random_hex(), which are safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jb::standin {

struct Guid {
  std::array<uint8_t, 16> b{};

  bool empty() const {
    for (uint8_t x : b)
      if (x != 0) return false;
    return true;
  }
  friend bool operator==(const Guid& x, const Guid& y) { return x.b == y.b; }
  friend bool operator!=(const Guid& x, const Guid& y) { return !(x == y); }
  friend bool operator<(const Guid& x, const Guid& y) { return x.b < y.b; }

  // 32 lowercase hex characters (.NET "N").
  std::string str() const;
  // The same into a caller's buffer (no allocation; not NUL-terminated).
  void to_chars(char out[32]) const {
    static constexpr char kHex[] = "0123456789abcdef";
    for (size_t i = 0; i < 16; ++i) {
      out[2 * i] = kHex[b[i] >> 4];
      out[2 * i + 1] = kHex[b[i] & 0xf];
    }
  }
  // 8-4-4-4-12 lowercase (.NET "D", the default Guid.ToString()).
  std::string dashed() const;
};

// Accepts "N" (32 hex), "D" (dashed), "B" ({dashed}) and "P" ((dashed)), any
// hex case, surrounding ASCII whitespace ignored (like Guid.Parse).
std::optional<Guid> parse_guid(std::string_view s);

// A version-4 GUID from the CSPRNG.
Guid random_guid();
// n random bytes from the CSPRNG as hex.
std::string random_hex(size_t n_bytes, bool upper = false);
// A stable GUID derived from text (SHA-256, version nibble set to 4).
Guid derived_guid(std::string_view text);

// True when s is exactly 32 lowercase hex characters.
bool is_guid_n(std::string_view s);

struct GuidHash {
  size_t operator()(const Guid& g) const {
    uint64_t h;
    std::memcpy(&h, g.b.data(), sizeof h);
    return static_cast<size_t>(h ^ (h >> 29));
  }
};

}  // namespace jb::standin
