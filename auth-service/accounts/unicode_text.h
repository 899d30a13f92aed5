// unicode_text.h — the few Unicode operations the account rules need (password_policy.h,
// user_name.h), over UTF-8 std::string_view, done by libunistring: strict UTF-8 validation,
// NFKC normalisation, full case folding, and walking a text by code points.
//
// All functions expect well-formed UTF-8 unless they say otherwise: validate with
// is_valid_utf8() first. Errors are only errc::internal (libunistring out of memory).
//
// Thread-safety: pure functions; libunistring keeps no state between calls.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/core/result.h"

namespace jb::accounts::text {

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
// An empty text is valid.
bool is_valid_utf8(std::string_view s);

// Unicode NFKC of valid UTF-8 (the compatibility composition: "ﬁ" → "fi", full-width
// letters → ASCII, a decomposed "é" → the composed one).
Result<std::string> nfkc(std::string_view s);

// Full Unicode case folding (locale-independent; "ß" → "ss") of valid UTF-8, with the
// result normalised to NFKC.
Result<std::string> casefold_nfkc(std::string_view s);

// Number of code points of valid UTF-8.
size_t code_point_count(std::string_view s);

// Calls f(char32_t) for each code point of valid UTF-8, in order; stops early when f
// returns false. Returns false when it stopped early.
template <typename F>
bool for_each_code_point(std::string_view s, F&& f);

// One code point of valid UTF-8 at s[i]: stores it in *cp and returns its length in bytes.
size_t decode_at(std::string_view s, size_t i, char32_t* cp);

template <typename F>
bool for_each_code_point(std::string_view s, F&& f) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    i += decode_at(s, i, &cp);
    if (!f(cp)) return false;
  }
  return true;
}

}  // namespace jb::accounts::text
