// user_name.h — Jellyfin's rule for user names, checked before an account is created or
// renamed (so Jellyfin does not refuse it later), and the key under which names are unique.
//
// Jellyfin's rule (UserManager.cs, /work/shared/jellyfin/API-NOTES.md §4) is the .NET regex
// ^(?!\s)[\w\ \-'._@+]+(?<!\s)$ . It is implemented here over code points, without a regex:
//   - every character is a .NET word character or one of  space - ' . _ @ + ;
//     .NET's \w is the Unicode general categories Lu, Ll, Lt, Lm, Lo (all letters), Mn
//     (non-spacing marks), Nd (decimal digits) and Pc (connector punctuation, e.g. "_") —
//     not Mc, Me, No, symbols or emoji (so "‼️" is refused);
//   - .NET tests \w on UTF-16 units, and a character outside the Basic Multilingual Plane
//     is two surrogates (category Cs), never \w: such characters (U+10000 and above, e.g.
//     emoji, CJK extension B) are refused, as Jellyfin refuses them;
//   - at least one character; the first and the last are not a space;
//   - stricter than .NET where its regex is lax: .NET's $ also matches before a final
//     "\n" (Jellyfin would take "alice\n"); here every character counts, so it is refused;
//   - our own cap (Jellyfin documents none): at most 128 code points.
// The name is checked as given (not normalised): that is what Jellyfin receives. Character
// categories come from libunistring's Unicode tables, which may be a Unicode version apart
// from .NET's for recently added characters.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
// 400: a user name Jellyfin would refuse (the detail says why)
constexpr const char* invalid_user_name = "invalid_user_name";
}  // namespace jb::errc

namespace jb::accounts {

constexpr int kMaxUserNameLength = 128;  // code points; our cap, Jellyfin has none

// Ok, or Error{errc::invalid_user_name, <one sentence: what is wrong, what to do>, 400}.
Status check_user_name(std::string_view name);

// The key under which names are unique: case-insensitive like Jellyfin, by full Unicode
// case folding of the NFKC form (locale-independent; "ALICE" and "alice" share a key, so do
// "Straße" and "STRASSE"). This folds more than Jellyfin's OrdinalIgnoreCase comparison
// (which keeps "ß" apart from "ss"), so two names that Jellyfin would take as different can
// share a key here: the stricter answer for uniqueness.
// Error{errc::invalid_user_name, ..., 400} on invalid UTF-8.
Result<std::string> user_name_key(std::string_view name);

}  // namespace jb::accounts
