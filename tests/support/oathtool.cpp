// oathtool.cpp — see oathtool.h.
#include "tests/support/oathtool.h"

#include <array>
#include <cstdio>

namespace jb::testing {

std::string oathtool(const std::string& secret, int64_t t) {
  std::string cmd = "oathtool --totp -b -N @" + std::to_string(t) + " " + secret;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return "";
  std::array<char, 64> buf{};
  std::string out;
  if (fgets(buf.data(), static_cast<int>(buf.size()), p)) out = buf.data();
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace jb::testing
