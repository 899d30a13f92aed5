// Keeps README.md true: every JB_* variable the services read is in the
// configuration table, and every variable in the table is read somewhere.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/process.h"

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::set<std::string> vars_in(const std::string& text, const std::regex& re) {
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    out.insert((*it)[1]);
  return out;
}
}  // namespace

TEST(Docs, ReadmeConfigurationTableMatchesTheCode) {
  fs::path root = jb::testing::source_dir();
  std::string readme = slurp(root / "README.md");
  ASSERT_FALSE(readme.empty());
  std::set<std::string> documented = vars_in(readme, std::regex(R"(\| `(JB_[A-Z0-9_]+)` \|)"));
  std::set<std::string> all_mentioned = vars_in(readme, std::regex(R"(`(JB_[A-Z0-9_]+)`)"));

  std::set<std::string> read_by_code;
  std::regex literal(R"re("(JB_[A-Z0-9_]+)")re");
  for (const char* dir : {"common", "auth-service", "library-service", "sync-worker"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      std::string name = e.path().filename().string();
      bool source = e.path().extension() == ".cpp" || e.path().extension() == ".h";
      if (!source || name.find("_test.") != std::string::npos) continue;
      auto v = vars_in(slurp(e.path()), literal);
      read_by_code.insert(v.begin(), v.end());
    }
  }
  ASSERT_FALSE(read_by_code.empty());
  for (const auto& v : read_by_code)
    EXPECT_TRUE(documented.count(v))
        << v << " is read by the code but missing from README's configuration table";

  std::string elsewhere = slurp(root / "scripts/run.sh") + slurp(root / "compose.yaml");
  for (const auto& v : all_mentioned)
    EXPECT_TRUE(read_by_code.count(v) || elsewhere.find(v) != std::string::npos)
        << v << " is documented in README but nothing reads it";
}
