// text.h — small pure string helpers shared by the services, the Jellyfin
// client and the stand-in: URL percent-encoding (via libcurl), form decoding
// ('+' → space, as .NET WebUtility.UrlDecode), hex, case folding, splitting.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jb::text {

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string url_encode(std::string_view s);
// Percent-decoding; malformed escapes ("%zz", "%4") are kept literally.
std::string url_decode(std::string_view s);
// Form/WebUtility decoding: '+' becomes a space, then percent-decoding.
std::string form_decode(std::string_view s);

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);
std::string_view trim(std::string_view s);  // ASCII whitespace
std::vector<std::string> split(std::string_view s, char sep, bool skip_empty = true);
std::string join(const std::vector<std::string>& parts, std::string_view sep);

std::string hex_encode(const uint8_t* data, size_t n, bool upper = false);
inline std::string hex_encode(std::string_view s, bool upper = false) {
  return hex_encode(reinterpret_cast<const uint8_t*>(s.data()), s.size(), upper);
}
// Returns false on odd length or a non-hex character.
bool hex_decode(std::string_view hex, std::string& out);
bool is_hex(std::string_view s);
// Every byte is printable ASCII (0x20–0x7e); true for "".
bool is_printable_ascii(std::string_view s);

// Strict decimal parsing of the whole string (no sign for unsigned, no spaces).
bool parse_int64(std::string_view s, int64_t& out);
bool parse_uint64(std::string_view s, uint64_t& out);

}  // namespace jb::text
