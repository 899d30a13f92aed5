// unicode_text.cpp — libunistring behind unicode_text.h.
//
// Thread-safety: pure functions (see the header).
#include "auth-service/accounts/unicode_text.h"

#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

#include <cstdlib>
#include <memory>

namespace jb::accounts::text {
namespace {

const uint8_t* bytes(std::string_view s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

struct FreeDeleter {
  void operator()(uint8_t* p) const { std::free(p); }
};

// Takes ownership of libunistring's malloc'd result.
Result<std::string> owned(uint8_t* out, size_t len) {
  if (out == nullptr) return Error(errc::internal, "Unicode processing ran out of memory.", 500);
  std::unique_ptr<uint8_t, FreeDeleter> guard(out);
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  return u8_check(bytes(s), s.size()) == nullptr;
}

Result<std::string> nfkc(std::string_view s) {
  if (s.empty()) return std::string();
  size_t len = 0;
  uint8_t* out = u8_normalize(UNINORM_NFKC, bytes(s), s.size(), nullptr, &len);
  return owned(out, len);
}

Result<std::string> casefold_nfkc(std::string_view s) {
  if (s.empty()) return std::string();
  size_t len = 0;
  // A null language: the locale-independent folding (no Turkish dotless i).
  uint8_t* out = u8_casefold(bytes(s), s.size(), nullptr, UNINORM_NFKC, nullptr, &len);
  return owned(out, len);
}

size_t code_point_count(std::string_view s) {
  return u8_mbsnlen(bytes(s), s.size());
}

size_t decode_at(std::string_view s, size_t i, char32_t* cp) {
  ucs4_t uc = 0;
  int n = u8_mbtouc(&uc, bytes(s) + i, s.size() - i);
  *cp = static_cast<char32_t>(uc);
  return n > 0 ? static_cast<size_t>(n) : 1;
}

}  // namespace jb::accounts::text
