// recovery_codes.cpp — see recovery_codes.h.
#include "common/core/recovery_codes.h"

#include <set>

#include "common/core/random.h"

namespace jb::recovery {

std::vector<std::string> generate(size_t n) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  while (out.size() < n) {
    std::string s;
    for (size_t i = 0; i < kSymbols; ++i)
      s.push_back(kAlphabet[rnd::uniform(static_cast<uint32_t>(kAlphabet.size()))]);
    if (seen.insert(s).second) out.push_back(display(s));
  }
  return out;
}

std::optional<std::string> normalize(std::string_view typed) {
  std::string s;
  for (char c : typed) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    s.push_back(c);
    if (s.size() > kSymbols) return std::nullopt;
  }
  if (s.size() != kSymbols) return std::nullopt;
  return s;
}

std::string display(std::string_view symbols) {
  if (symbols.size() != kSymbols) return std::string(symbols);
  return std::string(symbols.substr(0, 5)) + "-" + std::string(symbols.substr(5));
}

}  // namespace jb::recovery
