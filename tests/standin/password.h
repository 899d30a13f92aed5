// password.h — Jellyfin's password hashes: PBKDF2-HMAC-SHA512 written in its
// PHC-like form `$PBKDF2-SHA512$iterations=210000$<SALT HEX>$<HASH HEX>`
// (64-byte salt from the CSPRNG, 64-byte output, uppercase hex as .NET's
// Convert.ToHexString). Verification reads the iteration count from the
// stored string and compares in constant time. The stand-in's --cheap-hashing
// switch only lowers the iteration count used for new hashes.
//
// Thread-safety: pure functions (the salt comes from OpenSSL's thread-safe
// CSPRNG).
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.h"

namespace jb::standin {

constexpr int kJellyfinPbkdf2Iterations = 210000;

Result<std::string> hash_password(std::string_view password, int iterations);
// False for a wrong password and for a malformed stored hash.
bool verify_password(std::string_view password, std::string_view stored);

}  // namespace jb::standin
