// base32.h — RFC 4648 base32 (A–Z, 2–7), the encoding authenticator apps use
// for TOTP secrets (otpauth://…?secret=).
//
// encode() writes no padding (what otpauth URIs carry). decode() accepts what
// people type or paste: any case, spaces and dashes ignored, optional '='
// padding at the end; anything else, or trailing bits that are not zero, is an
// error (so one string has one meaning).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.h"

namespace jb::base32 {

std::string encode(std::string_view bytes);
Result<std::string> decode(std::string_view text);

}  // namespace jb::base32
