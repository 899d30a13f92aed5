// password_policy.h — the rules a new password must meet (account sign-up and password
// reset), as a pure function: NIST SP 800-63B style by default (a length of 8 to 256
// characters, no composition rules, not a known breached password, not the user name),
// composition rules available when an administrator wants them.
//
// "Characters" are Unicode code points of the password after NFKC normalisation (the
// password is normalised first, and the normalised text is what gets checked, hashed and
// sent on: "ﬁ" and "fi", a full-width "Ａ" and "A", a composed and a decomposed "é" are
// the same password). Composition classes, by Unicode general category of each code point:
// uppercase = Lu or Lt, lowercase = Ll, digit = Nd, symbol = anything that is neither a
// letter (L*) nor a digit (Nd) — punctuation, spaces, emoji, marks that did not compose.
//
// Thread-safety: pure functions; safe from any thread (the breached list is built once,
// thread-safely: common_passwords.h).
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
// 400: the new password breaks a rule (the detail says which and what to do)
constexpr const char* password_rejected = "password_rejected";
}  // namespace jb::errc

namespace jb::accounts {

struct PasswordRules {
  int min_length = 8;    // code points, after normalisation (NIST 800-63B: at least 8)
  int max_length = 256;  // code points
  int min_upper = 0, min_lower = 0, min_digit = 0, min_symbol = 0;  // composition: off by default
  bool check_common = true;  // refuse passwords in the bundled breached list
};

// Checks a proposed password. On success returns it normalised (Unicode NFKC, UTF-8).
// On failure Error{errc::password_rejected, <one sentence: which rule, what to do>, 400}.
// Invalid UTF-8 is refused with the same code. Also refuses a password equal to the user
// name when user_name is not empty (compared after NFKC and full Unicode case folding, so
// "ALICE" is refused for "alice").
// Checks, in order: UTF-8, length, composition, user name, breached list.
Result<std::string> check_password(std::string_view password, const PasswordRules& rules,
                                   std::string_view user_name = {});

// Normalisation alone (NFKC); Error{errc::password_rejected, ..., 400} on invalid UTF-8.
Result<std::string> normalise_password(std::string_view password);

}  // namespace jb::accounts
