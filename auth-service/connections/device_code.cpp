// device_code.cpp — see device_code.h.
#include "auth-service/connections/device_code.h"

namespace jb::auth {

std::optional<std::string> read_device_code(std::string_view typed) {
  std::string digits;
  for (char ch : typed) {
    if (ch >= '0' && ch <= '9') {
      if (digits.size() == 6) return std::nullopt;
      digits += ch;
    } else if (ch != ' ' && ch != '-') {
      return std::nullopt;
    }
  }
  if (digits.size() != 6) return std::nullopt;
  return digits;
}

std::string masked_device_code(std::string_view code) {
  const std::string_view mask = "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2";  // ••••
  if (code.size() < 2) return std::string(mask);
  return std::string(code.substr(0, 2)) + std::string(mask);
}

}  // namespace jb::auth
