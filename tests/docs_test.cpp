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

// docs/problems.md lists every error code, each code is a constant in the
// header of the module that owns it (a `namespace … errc` block), and production
// code uses the constants, never the code as a string literal.
TEST(Docs, ProblemsPageListsEveryErrorCodeAndCodeUsesTheConstants) {
  fs::path root = jb::testing::source_dir();
  std::string page = slurp(root / "docs/problems.md");
  ASSERT_FALSE(page.empty());
  std::set<std::string> documented = vars_in(page, std::regex(R"(\n\| `([a-z0-9_]+)` \|)"));

  std::set<std::string> defined;
  std::vector<std::string> literals;
  std::regex block(R"(namespace (?:jb::)?(?:jf::)?errc \{([^}]*)\})");
  std::regex constant(R"re(constexpr const char\* ([a-z0-9_]+) =\s*"([a-z0-9_]+)";)re");
  // A code written out where its constant belongs: Error("x", …), make_problem(404, "x", …),
  // e.code == "x".
  std::regex literal(
      R"re(\b(?:Error|make_problem)\(\s*(?:\d+\s*,\s*)?"([a-z][a-z0-9_]*)"|code\s*[!=]=\s*"([a-z][a-z0-9_]*)")re");
  for (const char* dir : {"common", "auth-service", "library-service", "sync-worker"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      std::string name = e.path().filename().string();
      bool source = e.path().extension() == ".cpp" || e.path().extension() == ".h";
      if (!source || name.find("_test.") != std::string::npos) continue;
      std::string text = slurp(e.path());
      for (std::sregex_iterator b(text.begin(), text.end(), block), end; b != end; ++b) {
        std::string body = (*b)[1];
        for (std::sregex_iterator c(body.begin(), body.end(), constant); c != end; ++c) {
          // A constant is named after its code (Jellyfin's without the jellyfin_ prefix).
          EXPECT_TRUE((*c)[1] == (*c)[2] || "jellyfin_" + (*c)[1].str() == (*c)[2])
              << "in " << e.path() << ": " << (*c)[1] << " names " << (*c)[2];
          EXPECT_TRUE(defined.insert((*c)[2]).second)
              << (*c)[2] << " is defined twice (again in " << e.path() << ")";
        }
      }
      for (std::sregex_iterator l(text.begin(), text.end(), literal), end; l != end; ++l)
        literals.push_back(e.path().string() + ": " + (*l)[0].str());
    }
  }
  EXPECT_GT(defined.size(), 50u);
  for (const auto& c : defined)
    EXPECT_TRUE(documented.count(c)) << c << " is an error code but docs/problems.md lacks it";
  for (const auto& c : documented)
    EXPECT_TRUE(defined.count(c)) << c << " is in docs/problems.md but no module defines it";
  for (const auto& l : literals) ADD_FAILURE() << "a code as a literal, not its constant: " << l;
}

// A discarded Status or Result is logged (log::best_effort), never dropped with
// (void). What may still be cast to void is not a Status: a system call whose
// failure is reported otherwise, a socket option read for its side effect, a
// random value drawn to initialise libsodium, a stream write whose failure the
// stream's on_close handles, a final flush of a closing connection.
TEST(Docs, NoStatusIsDiscardedSilently) {
  fs::path root = jb::testing::source_dir();
  const std::vector<std::string> allowed = {"setrlimit(", "sock.get(", "rnd::hex(",
                                            "w.stream->write(", "flush_locked("};
  std::regex discard(R"(\(void\)\s*([^;]*))");
  int scanned = 0;
  for (const char* dir : {"common", "auth-service", "library-service", "sync-worker"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      std::string name = e.path().filename().string();
      bool source = e.path().extension() == ".cpp" || e.path().extension() == ".h";
      if (!source || name.find("_test.") != std::string::npos) continue;
      ++scanned;
      std::string text = slurp(e.path());
      for (std::sregex_iterator d(text.begin(), text.end(), discard), end; d != end; ++d) {
        std::string what = (*d)[1];
        bool ok = false;
        for (const auto& a : allowed) ok = ok || what.rfind(a, 0) == 0;
        EXPECT_TRUE(ok) << e.path() << ": (void)" << what
                        << " — log a failed Status with log::best_effort instead";
      }
    }
  }
  EXPECT_GT(scanned, 100);
}
