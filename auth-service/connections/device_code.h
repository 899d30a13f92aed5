// device_code.h — a device's Quick Connect code as a user types it into the
// suite (POST /api/v1/connections/{id}/quickconnect/authorize): Jellyfin's codes
// are 6 decimal digits (API-NOTES §2); spaces and hyphens between the digits are
// ignored ("123 456", "123-456"). A code is a short-lived credential: logs and
// the audit log only ever show it masked (first two digits, "12••••").
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jb::auth {

// The 6 digits, or nullopt when `typed` is not a 6-digit code.
std::optional<std::string> read_device_code(std::string_view typed);
// "12••••" for "123456"; "••••" when the code is shorter than 2 characters.
std::string masked_device_code(std::string_view code);

}  // namespace jb::auth
