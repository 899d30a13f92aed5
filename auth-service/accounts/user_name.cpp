// user_name.cpp — check_user_name() and user_name_key() (user_name.h), over libunistring's
// character categories and case folding.
//
// Thread-safety: pure functions (see the header).
#include "auth-service/accounts/user_name.h"

#include <unictype.h>

#include <cstdio>

#include "auth-service/accounts/unicode_text.h"

namespace jb::accounts {
namespace {

Error invalid(std::string sentence) {
  return Error(errc::invalid_user_name, std::move(sentence), 400);
}

// .NET's \w: letters (L*), non-spacing marks (Mn), decimal digits (Nd), connector
// punctuation (Pc); only in the Basic Multilingual Plane (.NET tests UTF-16 units).
bool is_dotnet_word_char(char32_t cp) {
  if (cp > 0xFFFF) return false;
  ucs4_t uc = cp;
  return uc_is_general_category(uc, UC_CATEGORY_L) || uc_is_general_category(uc, UC_CATEGORY_Mn) ||
         uc_is_general_category(uc, UC_CATEGORY_Nd) || uc_is_general_category(uc, UC_CATEGORY_Pc);
}

bool is_allowed(char32_t cp) {
  switch (cp) {
    case U' ':
    case U'-':
    case U'\'':
    case U'.':
    case U'_':
    case U'@':
    case U'+':
      return true;
    default:
      return is_dotnet_word_char(cp);
  }
}

// "U+0009".
std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

}  // namespace

Status check_user_name(std::string_view name) {
  if (!text::is_valid_utf8(name))
    return invalid("The user name is not valid UTF-8 text: send it as UTF-8.");
  if (name.empty()) return invalid("The user name is empty: enter a name.");
  if (name.front() == ' ' || name.back() == ' ')
    return invalid("The user name starts or ends with a space: remove it.");
  size_t length = text::code_point_count(name);
  if (length > static_cast<size_t>(kMaxUserNameLength))
    return invalid("The user name is too long: use at most " + std::to_string(kMaxUserNameLength) +
                   " characters.");
  char32_t refused = 0;
  bool ok = text::for_each_code_point(name, [&refused](char32_t cp) {
    if (is_allowed(cp)) return true;
    refused = cp;
    return false;
  });
  if (!ok)
    return invalid("The user name contains a character that is not allowed (" +
                   code_point_name(refused) +
                   "): use letters, digits, spaces and - ' . _ @ + only.");
  return Status::Ok();
}

Result<std::string> user_name_key(std::string_view name) {
  if (!text::is_valid_utf8(name))
    return invalid("The user name is not valid UTF-8 text: send it as UTF-8.");
  Result<std::string> normalised = text::nfkc(name);
  if (!normalised) return normalised.error();
  return text::casefold_nfkc(*normalised);
}

}  // namespace jb::accounts
