// binary_test.cpp — the jellyfin-standin process: --help, the
// "LISTENING <port>" line, SIGTERM/SIGINT → exit 0 within 1 s, demo
// credentials on stderr, byte-identical --dump-seed, bad options, and
// --state-file across a restart (tokens, user data, users, API keys) or
// refusing a corrupt file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/net/http_client.h"
#include "tests/standin/testing/standin_fixture.h"
#include "tests/standin/testing/temp_dir.h"

extern char** environ;

namespace jb::standin::testing {
namespace {

struct Child {
  pid_t pid = -1;
  int out = -1, err = -1;
  std::string out_buf, err_buf;
};

Child spawn(const std::vector<std::string>& args) {
  Child c;
  int out[2], err[2];
  if (pipe(out) != 0 || pipe(err) != 0) return c;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  posix_spawn_file_actions_addclose(&fa, err[0]);
  std::vector<std::string> full{JB_STANDIN_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) c.pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  c.out = out[0];
  c.err = err[0];
  return c;
}

// Reads from fd into buf until `done(buf)` or the timeout.
bool read_until(int fd, std::string& buf, int timeout_ms,
                const std::function<bool(const std::string&)>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char tmp[4096];
  while (!done(buf)) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, left) <= 0) return false;
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) return done(buf);
    buf.append(tmp, static_cast<size_t>(n));
  }
  return true;
}

std::string read_all(int fd, int timeout_ms) {
  std::string buf;
  read_until(fd, buf, timeout_ms, [](const std::string&) { return false; });
  return buf;
}

// Exit code, or -1 when the child did not exit in time (it is killed then).
int wait_exit(pid_t pid, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return -1;
}

// Starts the binary and returns the port from its LISTENING line (0 on failure).
int start_and_get_port(Child& c, const std::vector<std::string>& args) {
  c = spawn(args);
  if (c.pid <= 0) return 0;
  bool ok = read_until(c.out, c.out_buf, 10000,
                       [](const std::string& b) { return b.find('\n') != std::string::npos; });
  if (!ok || c.out_buf.rfind("LISTENING ", 0) != 0) return 0;
  return std::stoi(c.out_buf.substr(10));
}

TEST(Binary, HelpListsTheSwitches) {
  Child c = spawn({"--help"});
  ASSERT_GT(c.pid, 0);
  std::string out = read_all(c.out, 3000);
  EXPECT_EQ(wait_exit(c.pid, 3000), 0);
  for (const char* flag : {"--port", "--seed", "--generate", "--legacy-auth", "--cheap-hashing",
                           "--latency-ms", "--demo", "--state-file"})
    EXPECT_NE(out.find(flag), std::string::npos) << flag;
}

TEST(Binary, ListensServesAndStopsOnSigterm) {
  Child c;
  int port = start_and_get_port(c, {"--port", "0", "--cheap-hashing", "--seed", small_seed_path()});
  ASSERT_GT(port, 0) << c.out_buf;
  EXPECT_EQ(c.out_buf, "LISTENING " + std::to_string(port) + "\n") << "exactly one line";
  jb::HttpClient http;
  auto r = http.get("http://127.0.0.1:" + std::to_string(port) + "/System/Info/Public");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find(small::kServerId), std::string::npos);
  auto t0 = std::chrono::steady_clock::now();
  kill(c.pid, SIGTERM);
  EXPECT_EQ(wait_exit(c.pid, 1000), 0) << "exit 0 within 1 s";
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
}

TEST(Binary, StopsOnSigintWhileRequestsHang) {
  Child c;
  int port = start_and_get_port(c, {"--port", "0", "--cheap-hashing", "--seed", small_seed_path()});
  ASSERT_GT(port, 0);
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  jb::HttpClient http;
  ASSERT_TRUE(
      http.post_json(base + "/__standin/faults", R"({"Kind": "hang", "HangMs": 60000})").ok());
  std::thread hung([&] {
    jb::HttpClient h;
    jb::HttpRequest req;
    req.url = base + "/System/Info/Public";
    req.timeout_ms = 5000;
    (void)h.send(req);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  kill(c.pid, SIGINT);
  EXPECT_EQ(wait_exit(c.pid, 1000), 0) << "a held request does not delay the exit";
  hung.join();
}

TEST(Binary, DemoPrintsCredentials) {
  Child c;
  int port = start_and_get_port(c, {"--port", "0", "--cheap-hashing", "--demo"});
  ASSERT_GT(port, 0);
  read_until(c.err, c.err_buf, 3000,
             [](const std::string& b) { return b.find("admin-password") != std::string::npos; });
  EXPECT_NE(c.err_buf.find("demo / demo-password"), std::string::npos) << c.err_buf;
  EXPECT_NE(c.err_buf.find("admin / admin-password"), std::string::npos);
  jb::HttpClient http;
  jb::HttpRequest req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/Users/AuthenticateByName";
  req.body = R"({"Username":"demo","Pw":"demo-password"})";
  req.headers = {
      {"Content-Type", "application/json"},
      {"Authorization", "MediaBrowser Client=\"t\", Device=\"d\", DeviceId=\"i\", Version=\"1\""}};
  auto r = http.send(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  kill(c.pid, SIGTERM);
  EXPECT_EQ(wait_exit(c.pid, 1000), 0);
}

TEST(Binary, DumpSeedIsByteIdentical) {
  auto dump = [](const std::string& spec) {
    Child c = spawn({"--dump-seed", "--generate", spec});
    std::string out = read_all(c.out, 10000);
    EXPECT_EQ(wait_exit(c.pid, 5000), 0);
    return out;
  };
  std::string a1 = dump("movies=50,series=3,seasons=2,episodes=4,seed=9,variant=a");
  std::string a2 = dump("movies=50,series=3,seasons=2,episodes=4,seed=9,variant=a");
  std::string b = dump("movies=50,series=3,seasons=2,episodes=4,seed=9,variant=b");
  EXPECT_GT(a1.size(), 1000u);
  EXPECT_EQ(a1, a2);
  EXPECT_NE(a1, b);
}

TEST(Binary, BadOptionsAndBusyPort) {
  Child c = spawn({"--bogus"});
  EXPECT_EQ(wait_exit(c.pid, 3000), 2);
  EXPECT_NE(read_all(c.err, 500).find("Unknown option"), std::string::npos);
  Child s = spawn({"--seed", "/nonexistent.json", "--port", "0"});
  EXPECT_EQ(wait_exit(s.pid, 3000), 1);
  Child first;
  int port = start_and_get_port(first, {"--port", "0", "--cheap-hashing"});
  ASSERT_GT(port, 0);
  Child second = spawn({"--port", std::to_string(port), "--cheap-hashing"});
  EXPECT_EQ(wait_exit(second.pid, 5000), 1) << "the port is taken";
  kill(first.pid, SIGTERM);
  EXPECT_EQ(wait_exit(first.pid, 1000), 0);
}

std::string file_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

mode_t file_mode(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

bool lists(const ApiResponse& r, const char* member, const std::string& value) {
  const rapidjson::Value* items = &r.json;
  if (r.json.IsObject() && r.json.HasMember("Items")) items = &r.json["Items"];
  if (!items->IsArray()) return false;
  for (const auto& x : items->GetArray())
    if (x.IsObject() && x.HasMember(member) && x[member].IsString() &&
        x[member].GetString() == value)
      return true;
  return false;
}

TEST(Binary, StateFileKeepsTokensAndChangesAcrossARestart) {
  TempDir dir;
  const std::string state = dir.file("standin-state.json");
  const std::vector<std::string> args{
      "--port", "0", "--cheap-hashing", "--seed", small_seed_path(), "--state-file", state};
  Child first;
  int port = start_and_get_port(first, args);
  ASSERT_GT(port, 0) << first.out_buf;
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  ApiClient alice(base, base);
  alice.device_id = "alice-device";
  const std::string token = alice.login("alice", "alice-password");
  ASSERT_FALSE(token.empty());
  const std::string arrival = small::kArrival;
  ASSERT_EQ(alice.post("/UserPlayedItems/" + arrival).status, 200);
  ASSERT_EQ(alice.post("/UserFavoriteItems/" + arrival).status, 200);
  ApiClient admin(base, base);
  admin.device_id = "admin-device";
  ASSERT_FALSE(admin.login("admin", "admin-password").empty());
  auto created = admin.post("/Users/New", R"({"Name": "newbie", "Password": "newbie-password"})");
  ASSERT_EQ(created.status, 200);
  const std::string newbie_id = created.str("Id");
  ASSERT_EQ(admin.post("/Auth/Keys?app=persisted-key").status, 204);
  kill(first.pid, SIGTERM);
  ASSERT_EQ(wait_exit(first.pid, 5000), 0) << read_all(first.err, 500);
  EXPECT_EQ(file_mode(state), 0600u) << "it holds password hashes and tokens";
  ASSERT_EQ(::chmod(state.c_str(), 0644), 0);

  Child second;
  port = start_and_get_port(second, args);
  ASSERT_GT(port, 0) << second.out_buf;
  EXPECT_EQ(file_mode(state), 0600u) << "a wider mode is narrowed at start";
  base = "http://127.0.0.1:" + std::to_string(port);
  ApiClient old(base, base);
  old.device_id = "alice-device";
  old.token = token;
  auto me = old.get("/Users/Me");
  ASSERT_EQ(me.status, 200) << "the token issued before the restart still authenticates";
  EXPECT_EQ(me.str("Name"), "alice");
  auto item = old.get("/Items/" + arrival);
  ASSERT_EQ(item.status, 200);
  ASSERT_TRUE(item.json.HasMember("UserData"));
  EXPECT_TRUE(item.json["UserData"]["Played"].GetBool());
  EXPECT_TRUE(item.json["UserData"]["IsFavorite"].GetBool());
  ApiClient admin_again(base, base);
  admin_again.device_id = "admin-device";
  admin_again.token = admin.token;
  auto users = admin_again.get("/Users");
  ASSERT_EQ(users.status, 200);
  EXPECT_TRUE(lists(users, "Id", newbie_id)) << users.body;
  auto keys = admin_again.get("/Auth/Keys");
  ASSERT_EQ(keys.status, 200);
  EXPECT_TRUE(lists(keys, "AppName", "persisted-key")) << keys.body;
  ApiClient newbie(base, base);
  newbie.device_id = "newbie-device";
  EXPECT_FALSE(newbie.login("newbie", "newbie-password").empty()) << "the password hash is kept";
  kill(second.pid, SIGTERM);
  EXPECT_EQ(wait_exit(second.pid, 5000), 0);

  Child dump = spawn({"--dump-seed", "--seed", small_seed_path(), "--state-file", state});
  std::string seed = read_all(dump.out, 10000);
  EXPECT_EQ(wait_exit(dump.pid, 5000), 0);
  EXPECT_NE(seed.find("\"newbie\""), std::string::npos) << "--dump-seed shows the saved content";
}

TEST(Binary, CorruptStateFileIsAStartError) {
  TempDir dir;
  struct Case {
    std::string name, content, says;
  };
  const Case cases[] = {
      {"truncated.json", R"({"StateVersion":1,"ServerName":"x","Users":[{"Na)",
       ": not valid JSON (truncated or corrupt?) at byte "},
      {"empty.json", "", ": the file is empty"},
      {"seed.json", file_text(small_seed_path()), ": no 'StateVersion' property"},
      {"future.json", R"({"StateVersion": 9})", ": 'StateVersion' 9 is not supported"},
  };
  for (const Case& k : cases) {
    const std::string path = dir.file(k.name);
    {
      std::ofstream f(path, std::ios::binary);
      f << k.content;
    }
    ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
    Child c = spawn({"--port", "0", "--cheap-hashing", "--state-file", path});
    ASSERT_GT(c.pid, 0);
    EXPECT_EQ(wait_exit(c.pid, 5000), 1) << k.name;
    std::string err = read_all(c.err, 500);
    EXPECT_NE(err.find("State file " + path + k.says), std::string::npos) << err;
    EXPECT_TRUE(read_all(c.out, 100).empty()) << "never LISTENING";
    EXPECT_EQ(file_text(path), k.content) << k.name << " is left untouched";
    EXPECT_EQ(file_mode(path), 0640u);
  }
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 4) << "no other file was created";
}

}  // namespace
}  // namespace jb::standin::testing
