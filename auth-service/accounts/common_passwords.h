// common_passwords.h — the breached-password list the password policy refuses
// (password_policy.h): the 10,200 most common passwords of Mark Burnett's "10 million
// passwords" (data/common-passwords.txt, its origin and licence in data/NOTICE.md).
//
// The list is compiled into the binary (the build turns the text file into a byte array;
// there is no file to configure or find at run time). Matching is case-insensitive by ASCII
// case folding of both sides: the list is ASCII only, and the password is NFKC-normalised
// before it is looked up, so full-width or ligature spellings of a listed password fold onto
// it too; a non-ASCII password can never be on the list. Blank lines are not entries.
//
// Thread-safety: thread-safe. The lookup set is built once, on first use, by a
// function-local static (C++ guarantees one initialisation even under concurrent first
// calls); afterwards it is only read.
#pragma once

#include <cstddef>
#include <string_view>

namespace jb::accounts {

// True when the (already normalised) password is in the bundled list, compared
// case-insensitively (ASCII case folding). O(1).
bool is_common_password(std::string_view normalised);

// Entries loaded: distinct after ASCII case folding ("password", "Password" and
// "PASSWORD" are one entry), blank lines left out.
size_t common_password_count();

}  // namespace jb::accounts
