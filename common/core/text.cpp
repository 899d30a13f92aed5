// text.cpp — see text.h.
#include "common/core/text.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>

namespace jb::text {

std::string url_encode(std::string_view s) {
  if (s.empty()) return {};
  char* out = curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size()));
  if (out == nullptr) return {};
  std::string r(out);
  curl_free(out);
  return r;
}

std::string url_decode(std::string_view s) {
  if (s.empty()) return {};
  int len = 0;
  char* out = curl_easy_unescape(nullptr, s.data(), static_cast<int>(s.size()), &len);
  if (out == nullptr) return std::string(s);
  std::string r(out, static_cast<size_t>(len));
  curl_free(out);
  return r;
}

std::string form_decode(std::string_view s) {
  std::string plus(s);
  std::replace(plus.begin(), plus.end(), '+', ' ');
  return url_decode(plus);
}

std::string to_lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  return r;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep, bool skip_empty) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = s.substr(start, end - start);
    if (!(skip_empty && part.empty())) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

std::string hex_encode(const uint8_t* data, size_t n, bool upper) {
  static const char* lo = "0123456789abcdef";
  static const char* up = "0123456789ABCDEF";
  const char* d = upper ? up : lo;
  std::string r(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    r[2 * i] = d[data[i] >> 4];
    r[2 * i + 1] = d[data[i] & 0xf];
  }
  return r;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_printable_ascii(std::string_view s) {
  for (char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return hexval(c) >= 0; });
}

bool hex_decode(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int a = hexval(hex[i]), b = hexval(hex[i + 1]);
    if (a < 0 || b < 0) return false;
    out.push_back(static_cast<char>((a << 4) | b));
  }
  return true;
}

bool parse_int64(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool parse_uint64(std::string_view s, uint64_t& out) {
  if (s.empty() || s[0] == '-' || s[0] == '+') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace jb::text
