// binary_test.cpp — the jellyfin-standin process: --help, the
// "LISTENING <port>" line, SIGTERM/SIGINT → exit 0 within 1 s, demo
// credentials on stderr, byte-identical --dump-seed, bad options.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/http_client.h"
#include "tests/standin/testing/standin_fixture.h"

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
                           "--latency-ms", "--demo"})
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

}  // namespace
}  // namespace jb::standin::testing
