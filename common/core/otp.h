// otp.h — one-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238), what
// authenticator apps compute, and the otpauth:// URI that enrols them.
//
// The suite's TOTP is SHA-1, 30-second steps, 6 digits (what every
// authenticator supports); SHA-256/512 and 8 digits exist for the RFC's test
// vectors and for apps that ask for them. totp_match() accepts the current
// step and `window` steps either side (clock drift) and answers WHICH step
// matched, so the caller can keep a replay floor: a step, once accepted, is
// never accepted again (the floor lives in Redis, outside this pure module).
// Codes are compared in constant time.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jb::otp {

enum class Hash { sha1, sha256, sha512 };

// The code for `counter`: `digits` (6–9) decimal digits, zero-padded.
std::string hotp(std::string_view key, uint64_t counter, int digits = 6, Hash hash = Hash::sha1);
// The time step of a Unix time (T0 = 0): floor(unix_s / step_s).
int64_t time_step(int64_t unix_s, int step_s = 30);
// The TOTP code at a Unix time.
std::string totp(std::string_view key, int64_t unix_s, int digits = 6, Hash hash = Hash::sha1,
                 int step_s = 30);
// The step in [now − window, now + window] whose code equals `code` (the
// step nearest to now wins when several do), or nullopt. A code of the wrong
// length or with anything but digits never matches.
std::optional<int64_t> totp_match(std::string_view key, std::string_view code, int64_t unix_s,
                                  int window = 1, int digits = 6, Hash hash = Hash::sha1,
                                  int step_s = 30);
// otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
// (label and parameters percent-encoded), what a QR code carries to an authenticator.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view base32_secret);

}  // namespace jb::otp
