// oathtool.h — test support: a real authenticator app, Debian's oathtool
// (scripts/deps.sh installs it), computing TOTP codes from a secret the API
// handed out.
//
// Thread-safety: thread-safe (each call runs its own process).
#pragma once

#include <cstdint>
#include <string>

namespace jb::testing {

// The code oathtool computes for `secret` (base32) at Unix time `t`; "" when it did not run.
std::string oathtool(const std::string& secret, int64_t t);

}  // namespace jb::testing
