// base64url.h — base64url without padding (RFC 4648 §5) on libsodium, the
// encoding WebAuthn's JSON forms use for binary fields.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jb::b64url {

std::string encode(std::string_view bytes);
// The bytes, or nullopt when `text` is not base64url (trailing '=' padding is
// tolerated; '+', '/' and whitespace are not).
std::optional<std::string> decode(std::string_view text);

}  // namespace jb::b64url
