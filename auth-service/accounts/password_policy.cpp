// password_policy.cpp — check_password() and normalise_password() (password_policy.h),
// over libunistring's normalisation and character classes.
//
// Thread-safety: pure functions (see the header).
#include "auth-service/accounts/password_policy.h"

#include <unictype.h>

#include <algorithm>

#include "auth-service/accounts/common_passwords.h"
#include "auth-service/accounts/unicode_text.h"

namespace jb::accounts {
namespace {

Error rejected(std::string sentence) {
  return Error(errc::password_rejected, std::move(sentence), 400);
}

Error not_utf8() {
  return rejected("The password is not valid UTF-8 text: send it as UTF-8.");
}

Error too_long(int max_length) {
  return rejected("The password is too long: use at most " + std::to_string(max_length) +
                  " characters.");
}

// "1 digit" / "2 digits".
std::string count_of(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

Error too_few(int wanted, const char* one, const char* many) {
  return rejected("The password needs at least " + count_of(wanted, one, many) + ": add " +
                  (wanted == 1 ? "one." : "more."));
}

struct Composition {
  int upper = 0, lower = 0, digit = 0, symbol = 0;
};

Composition composition_of(std::string_view normalised) {
  Composition c;
  text::for_each_code_point(normalised, [&c](char32_t cp) {
    ucs4_t uc = cp;
    if (uc_is_general_category(uc, UC_CATEGORY_Lu) || uc_is_general_category(uc, UC_CATEGORY_Lt))
      ++c.upper;
    else if (uc_is_general_category(uc, UC_CATEGORY_Ll))
      ++c.lower;
    if (uc_is_general_category(uc, UC_CATEGORY_Nd))
      ++c.digit;
    else if (!uc_is_general_category(uc, UC_CATEGORY_L))
      ++c.symbol;
    return true;
  });
  return c;
}

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Whether the normalised password is the user name, ignoring case (full Unicode case
// folding; a user name that is not UTF-8 is compared by ASCII case folding of its bytes).
Result<bool> same_as_user_name(std::string_view normalised, std::string_view user_name) {
  if (!text::is_valid_utf8(user_name)) {
    return normalised.size() == user_name.size() &&
           std::equal(normalised.begin(), normalised.end(), user_name.begin(),
                      [](char a, char b) { return ascii_lower(a) == ascii_lower(b); });
  }
  Result<std::string> a = text::casefold_nfkc(normalised);
  if (!a) return a.error();
  Result<std::string> b = text::casefold_nfkc(user_name);
  if (!b) return b.error();
  return *a == *b;
}

}  // namespace

Result<std::string> normalise_password(std::string_view password) {
  if (!text::is_valid_utf8(password)) return not_utf8();
  return text::nfkc(password);
}

Result<std::string> check_password(std::string_view password, const PasswordRules& rules,
                                   std::string_view user_name) {
  if (!text::is_valid_utf8(password)) return not_utf8();
  // Spare normalising a huge body: NFKC at most composes 4 code points into 1 and a code
  // point is at most 4 bytes, so more than 16 bytes per allowed character cannot fit.
  size_t max_cp = static_cast<size_t>(std::max(rules.max_length, 0));
  if (password.size() > 16 * max_cp) return too_long(rules.max_length);

  Result<std::string> normalised = text::nfkc(password);
  if (!normalised) return normalised.error();
  const std::string& pw = *normalised;

  size_t length = text::code_point_count(pw);
  if (length < static_cast<size_t>(std::max(rules.min_length, 0)))
    return rejected("The password is too short: use at least " + std::to_string(rules.min_length) +
                    " characters.");
  if (length > max_cp) return too_long(rules.max_length);

  Composition c = composition_of(pw);
  if (c.upper < rules.min_upper)
    return too_few(rules.min_upper, "uppercase letter", "uppercase letters");
  if (c.lower < rules.min_lower)
    return too_few(rules.min_lower, "lowercase letter", "lowercase letters");
  if (c.digit < rules.min_digit) return too_few(rules.min_digit, "digit", "digits");
  if (c.symbol < rules.min_symbol)
    return too_few(rules.min_symbol, "symbol (a character that is not a letter or digit)",
                   "symbols (characters that are not letters or digits)");

  if (!user_name.empty()) {
    Result<bool> same = same_as_user_name(pw, user_name);
    if (!same) return same.error();
    if (*same)
      return rejected(
          "The password is the same as the user name: choose a password that is not your "
          "name.");
  }

  if (rules.check_common && is_common_password(pw))
    return rejected(
        "The password is one of the most commonly used passwords, the first ones attackers "
        "try: choose a different one.");
  return normalised;
}

}  // namespace jb::accounts
