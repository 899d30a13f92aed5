// The Docker set-up, checked without a Docker engine: the `.env` that
// scripts/compose-env.sh writes survives Docker Compose v2's env-file rules
// (tests/support/dotenv.h) and Debian's Compose v1 unchanged — every CURVE key
// pair still matches, the master key still parses — while the same values
// written unquoted would have been mangled; the key tool draws all six pairs in
// one run, none holding the characters asked for. compose_check.sh covers the rest
// (build contexts, .dockerignore, required settings).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/core/crypto.h"
#include "common/core/text.h"
#include "common/net/rpc.h"
#include "tests/support/dotenv.h"
#include "tests/support/process.h"
#include "tests/support/services.h"

using namespace jb;
using namespace jb::testing;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs a command; returns (exit code, everything it printed).
std::pair<int, std::string> run(std::vector<std::string> argv,
                                std::map<std::string, std::string> env = {}) {
  Process p(std::move(argv), std::move(env), "cmd");
  if (!p.start()) return {-1, ""};
  auto rc = p.wait(60000);
  std::string out;
  for (const auto& l : p.lines()) out += l + "\n";
  return {rc.value_or(-1), out};
}

std::pair<int, std::string> compose_env(const std::string& out,
                                        std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{"/bin/bash",      source_dir() + "/scripts/compose-env.sh",
                                "--jellyfin-url", "http://192.168.1.20:8096",
                                "--output",       out};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run(argv, {{"JB_AUTH_BIN", service_binary("auth-service")}});
}

// The value between the single quotes of NAME='…' (what a literal reader sees).
std::map<std::string, std::string> literal_values(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const auto& line : text::split(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    std::string v = line.substr(eq + 1);
    if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
    out[line.substr(0, eq)] = v;
  }
  return out;
}

}  // namespace

TEST(DotenvV2, FollowsComposeV2Rules) {
  auto env = parse_dotenv_v2(
      "# comment\n"
      "export A=plain value # inline comment\n"
      "B='lit$A#x \\n'\n"
      "C=\"dq $A\\nnext\"\n"
      "D=abc#def\n"
      "E=pre${A}post\n"
      "F=${NOPE:-fallback}\n"
      "G: yaml style\n"
      "  H =   spaced  \n");
  ASSERT_TRUE(env.ok()) << env.error().message;
  auto& m = *env;
  EXPECT_EQ(m["A"], "plain value");
  EXPECT_EQ(m["B"], "lit$A#x \\n") << "single quotes are literal";
  EXPECT_EQ(m["C"], "dq plain value\nnext");
  EXPECT_EQ(m["D"], "abc") << "an unquoted value is cut at #";
  EXPECT_EQ(m["E"], "preplain valuepost");
  EXPECT_EQ(m["F"], "fallback");
  EXPECT_EQ(m["G"], "yaml style");
  EXPECT_EQ(m["H"], "spaced");
  EXPECT_FALSE(parse_dotenv_v2("A='open\n").ok());
  EXPECT_FALSE(parse_dotenv_v2("BAD-NAME=1\n").ok());
  auto from_env =
      parse_dotenv_v2("X=$HOME_DIR/x\n", [](const std::string& n) -> std::optional<std::string> {
        if (n == "HOME_DIR") return std::string("/h");
        return std::nullopt;
      });
  EXPECT_EQ((*from_env)["X"], "/h/x");
}

TEST(ComposeEnv, FortyGeneratedFilesSurviveComposeV2AndV1Unchanged) {
  TempDir dir;
  int unquoted_mangled = 0;
  for (int i = 0; i < 40; ++i) {
    std::string path = dir.path() + "/env" + std::to_string(i);
    auto [rc, out] = compose_env(path);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::string text = slurp(path);
    auto literal = literal_values(text);
    auto v2 = parse_dotenv_v2(text);
    ASSERT_TRUE(v2.ok()) << v2.error().message;
    EXPECT_EQ(*v2, literal) << "Compose v2 would read another value than was written:\n" << text;
    // The values still work: each CURVE secret yields its public key, the master key parses.
    for (const char* name : {"VAULT", "LIBRARY", "WORKER", "AUTH", "LIBRARY_RPC", "EVENTS"}) {
      std::string pub = (*v2)[std::string("JB_") + name + "_PUBLIC_KEY"];
      std::string sec = (*v2)[std::string("JB_") + name + "_SECRET_KEY"];
      ASSERT_EQ(pub.size(), 40u) << name;
      EXPECT_EQ(curve_public_from_secret(sec), pub) << name << " key pair mangled";
      // Compose v1 expands `${…}` even in single-quoted values: keys are drawn without `$`.
      EXPECT_EQ((pub + sec).find('$'), std::string::npos) << name;
    }
    EXPECT_TRUE(crypto::KeyRing::parse((*v2)["JB_MASTER_KEY"]).ok());
    EXPECT_EQ((*v2)["JB_REDIS_PASSWORD"].size(), 48u);
    EXPECT_EQ((*v2)["JB_JELLYFIN_URL"], "http://192.168.1.20:8096");
    // The same values unquoted: what Compose v2 would have done to them.
    std::string bare;
    for (const auto& [k, v] : literal) bare += k + "=" + v + "\n";
    auto naive = parse_dotenv_v2(bare);
    if (!naive.ok() || *naive != literal) ++unquoted_mangled;
    // Debian's Compose v1 resolves the stack with them (it writes `$` as `$$`).
    if (i < 3) {
      auto [crc, cfg] =
          run({"/usr/bin/docker-compose", "--env-file", path, "-f", source_dir() + "/compose.yaml",
               "--project-directory", source_dir(), "config"});
      ASSERT_EQ(crc, 0) << cfg;
      std::string unescaped;
      for (size_t k = 0; k < cfg.size(); ++k) {
        unescaped += cfg[k];
        if (cfg[k] == '$' && k + 1 < cfg.size() && cfg[k + 1] == '$') ++k;
      }
      for (const char* key : {"JB_VAULT_PUBLIC_KEY", "JB_VAULT_SECRET_KEY", "JB_LIBRARY_SECRET_KEY",
                              "JB_WORKER_SECRET_KEY", "JB_AUTH_SECRET_KEY",
                              "JB_LIBRARY_RPC_SECRET_KEY", "JB_LIBRARY_RPC_PUBLIC_KEY",
                              "JB_EVENTS_SECRET_KEY", "JB_EVENTS_PUBLIC_KEY", "JB_MASTER_KEY"})
        EXPECT_NE(unescaped.find(literal[key]), std::string::npos)
            << key << "='" << literal[key] << "' did not reach compose v1 intact:\n"
            << cfg;
    }
  }
  // Z85 keys contain `#` (and more): unquoted, nearly every file would have been mangled.
  EXPECT_GT(unquoted_mangled, 20) << "the rule check must be able to fail";
}

TEST(ComposeEnv, NeverEmptiesAnExistingFileAndNeedsTheJellyfinUrl) {
  TempDir dir;
  std::string path = dir.path() + "/.env";
  {
    std::ofstream f(path);
    f << "JB_REDIS_PASSWORD='keep-me'\n";
  }
  auto [rc, out] = compose_env(path);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("--force"), std::string::npos) << out;
  EXPECT_EQ(slurp(path), "JB_REDIS_PASSWORD='keep-me'\n");
  auto forced = compose_env(path, {"--force"});
  ASSERT_EQ(forced.first, 0) << forced.second;
  EXPECT_EQ(slurp(path + ".bak"), "JB_REDIS_PASSWORD='keep-me'\n");
  EXPECT_NE(slurp(path).find("JB_MASTER_KEY='"), std::string::npos);
  auto no_url = run(
      {"/bin/bash", source_dir() + "/scripts/compose-env.sh", "--output", dir.path() + "/x.env"},
      {{"JB_AUTH_BIN", service_binary("auth-service")}});
  EXPECT_EQ(no_url.first, 2);
  EXPECT_NE(no_url.second.find("--jellyfin-url is required"), std::string::npos) << no_url.second;
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/x.env"));
  // No temporary file is left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    files += e.is_regular_file();
  EXPECT_EQ(files, 2) << ".env and .env.bak only";
}

TEST(ComposeEnv, TheKeyToolDrawsManyPairsWithoutTheCharactersAskedFor) {
  auto [rc, out] = run({service_binary("auth-service"), "generate-curve-keypair", "--count", "5",
                        "--without", "$#"});
  ASSERT_EQ(rc, 0) << out;
  auto lines = text::split(out, '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  ASSERT_EQ(lines.size(), 5u) << out;
  for (const auto& l : lines) {
    ASSERT_EQ(l.size(), 81u) << l;
    const std::string pub = l.substr(0, 40), sec = l.substr(41);
    EXPECT_EQ(curve_public_from_secret(sec), pub);
    EXPECT_EQ(l.find_first_of("$#"), std::string::npos) << l;
  }
  for (const char* bad : {"0", "101", "x"}) {
    auto [brc, bout] =
        run({service_binary("auth-service"), "generate-curve-keypair", "--count", bad});
    EXPECT_EQ(brc, 2) << bad << ": " << bout;
  }
}
