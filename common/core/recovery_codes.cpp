// recovery_codes.cpp — see recovery_codes.h.
#include "common/core/recovery_codes.h"

#include <set>

#include "common/core/random.h"

namespace jb::recovery {

std::vector<std::string> generate(size_t n, size_t symbols) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  while (out.size() < n) {
    std::string s;
    for (size_t i = 0; i < symbols; ++i)
      s.push_back(kAlphabet[rnd::uniform(static_cast<uint32_t>(kAlphabet.size()))]);
    if (seen.insert(s).second) out.push_back(display(s));
  }
  return out;
}

std::optional<std::string> normalize(std::string_view typed, size_t symbols) {
  std::string s;
  for (char c : typed) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (kAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    s.push_back(c);
    if (s.size() > symbols) return std::nullopt;
  }
  if (s.size() != symbols) return std::nullopt;
  return s;
}

std::string display(std::string_view symbols) {
  const size_t half = symbols.size() / 2;
  if (symbols.empty() || symbols.size() % 2 != 0) return std::string(symbols);
  return std::string(symbols.substr(0, half)) + "-" + std::string(symbols.substr(half));
}

}  // namespace jb::recovery
