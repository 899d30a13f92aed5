// user_agent.cpp — see user_agent.h.
#include "common/core/user_agent.h"

#include <array>
#include <utility>

namespace jb::ua {

namespace {

bool has(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// The first entry whose marker the header holds, in order.
template <size_t N>
std::string_view first_match(
    std::string_view s, const std::array<std::pair<std::string_view, std::string_view>, N>& t) {
  for (const auto& [marker, name] : t)
    if (has(s, marker)) return name;
  return {};
}

}  // namespace

std::string device_label(std::string_view s) {
  if (s.empty()) return "";
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> browsers{{
      {"Edg/", "Edge"},
      {"EdgA/", "Edge"},
      {"OPR/", "Opera"},
      {"SamsungBrowser/", "Samsung Internet"},
      {"Firefox/", "Firefox"},
      {"FxiOS/", "Firefox"},
      {"CriOS/", "Chrome"},
      {"Chrome/", "Chrome"},
      {"Version/", "Safari"},  // Safari's own version token (Chrome's header has none)
  }};
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> systems{{
      {"Windows", "Windows"},
      {"Android", "Android"},
      {"iPhone", "iOS"},
      {"iPad", "iPadOS"},
      {"CrOS", "ChromeOS"},
      {"Mac OS X", "macOS"},
      {"Macintosh", "macOS"},
      {"Linux", "Linux"},
  }};
  std::string_view browser = first_match(s, browsers);
  if (browser == "Safari" && !has(s, "Safari/")) browser = {};
  const std::string_view os = first_match(s, systems);
  if (!browser.empty() && !os.empty()) return std::string(browser) + " on " + std::string(os);
  if (!browser.empty()) return std::string(browser);
  // Not a browser: the first product token names the client ("curl/8.5.0" → "curl").
  std::string token;
  for (char c : s) {
    if (c == '/' || c == ' ' || c == ';' || c == '(' || token.size() == 40) break;
    if (c > 0x20 && c < 0x7f) token.push_back(c);
  }
  if (!token.empty()) return os.empty() ? token : token + " on " + std::string(os);
  return std::string(os);
}

}  // namespace jb::ua
