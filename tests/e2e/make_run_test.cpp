// End-to-end: `make run` as a user runs it — scripts/run.sh with its default
// ports, in a private network namespace (tests/support/netns.h) so nothing
// else on the machine can collide with them. The script leads its own process
// group, as in a terminal, and is stopped with SIGINT to that group (Ctrl-C).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/http_client.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"
#include "tests/support/eventually.h"
#include "tests/support/netns.h"
#include "tests/support/process.h"

using namespace jb;
using namespace jb::testing;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// scripts/run.sh <build dir> with its data folder in a temporary directory.
class Suite {
 public:
  explicit Suite(const std::string& var, std::map<std::string, std::string> env = {}) : var_(var) {
    env["JB_RUN_DIR"] = var;
    proc_ = std::make_unique<Process>(
        std::vector<std::string>{"/bin/bash", source_dir() + "/scripts/run.sh", binary_dir()}, env,
        "make-run");
    proc_->set_own_process_group(true);
  }
  ~Suite() {
    if (proc_->running()) {
      proc_->signal_group(SIGTERM);
      proc_->wait(30000);
    }
    // Whatever survived a failed test must not outlive it.
    for (const auto& f : std::filesystem::directory_iterator(var_))
      if (f.path().filename().string().rfind("run-", 0) == 0) {
        pid_t pid = std::atoi(read_file(f.path()).c_str());
        if (pid > 0) ::kill(pid, SIGKILL);
      }
  }
  bool start() {
    if (!proc_->start()) return false;
    return proc_
        ->wait_for_line(
            [](const std::string& l) {
              return l.find("Press Ctrl-C to stop.") != std::string::npos;
            },
            60000)
        .has_value();
  }
  Process& script() { return *proc_; }
  pid_t pid_of(const std::string& service) {
    return std::atoi(read_file(var_ + "/run-" + service + ".pid").c_str());
  }
  std::string output() {
    std::string all;
    for (const auto& l : proc_->lines()) all += l + "\n";
    return all;
  }
  std::string log(const std::string& service) {
    return read_file(var_ + "/logs/" + service + ".log");
  }

 private:
  std::string var_;
  std::unique_ptr<Process> proc_;
};

// The suite's HTTP API and the demo stand-ins, at make run's addresses.
struct Api {
  HttpClient http;
  std::string token;
  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.url = "http://127.0.0.1:8080" + path;
    r.body = body;
    if (!token.empty()) r.headers = {{"Authorization", "Bearer " + token}};
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    return http.send(r);
  }
  json::Document json(const std::string& method, const std::string& path,
                      const std::string& body = "") {
    json::Document d;
    d.SetObject();
    auto r = call(method, path, body);
    if (r.ok())
      if (auto p = json::parse(r->body); p.ok()) d = std::move(*p);
    return d;
  }
  bool sign_in() {
    auto d =
        json("POST", "/api/v1/auth/login", R"({"username":"demo","password":"demo-password"})");
    if (const auto* s = json::member(d, "session")) token = json::get_string(*s, "token");
    return !token.empty();
  }
  Status standin(int port, const std::string& method, const std::string& path,
                 const std::string& body) {
    HttpRequest r;
    r.method = method;
    r.url = "http://127.0.0.1:" + std::to_string(port) + path;
    r.body = body;
    r.headers = {{"Content-Type", "application/json"}};
    auto a = http.send(r);
    if (!a.ok()) return a.error();
    if (a->status >= 400) return Error("standin", a->body);
    return Status::Ok();
  }
};

int64_t sum(const json::Value& run, const char* kind) {
  int64_t n = 0;
  if (const auto* c = json::member(run, "counters"))
    for (const char* f : {"watchlist", "history", "progress"})
      if (const auto* x = json::member(*c, f)) n += json::get_int(*x, kind);
  return n;
}

json::Document wait_run(Api& api, const std::string& run_id, int ms) {
  json::Document last;
  eventually(
      [&] {
        last = api.json("GET", "/api/v1/runs/" + run_id);
        std::string st = json::get_string(last, "state");
        return st == "succeeded" || st == "failed" || st == "held";
      },
      ms);
  return last;
}

}  // namespace

// A sync-worker SIGKILLed in the middle of a run: the script restarts it,
// the other worker claims its work after the lease, the run succeeds with
// every write applied once, the worker's heartbeat is back in the health
// answer, and Ctrl-C still stops everything with exit 0.
TEST(MakeRun, AWorkerThatDiesIsRestartedAndTheRunStillSucceeds) {
  TempDir dir;
  Suite suite(dir.path(), {{"JB_WORK_LEASE_MS", "3000"}, {"JB_SYNC_APPLY_BATCH", "10"}});
  ASSERT_TRUE(suite.start()) << suite.output();
  // The first address it prints is the web front end's, which answers there.
  std::string banner = suite.output();
  size_t open = banner.find("Open:       http://localhost:8080/");
  ASSERT_NE(open, std::string::npos) << banner;
  EXPECT_LT(open, banner.find("API:")) << banner;
  {
    HttpClient http;
    auto page = http.get("http://127.0.0.1:8080/");
    ASSERT_TRUE(page.ok());
    EXPECT_EQ(page->status, 200);
    EXPECT_EQ(page->header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_NE(page->body.find("<script type=\"importmap\">"), std::string::npos) << page->body;
  }
  Api api;
  ASSERT_TRUE(api.sign_in());
  auto conns = api.json("GET", "/api/v1/connections");
  ASSERT_EQ(json::member(conns, "connections")->Size(), 1u) << json::stringify(conns);
  std::string conn_a = json::get_string((*json::member(conns, "connections"))[0], "id");
  auto b = api.json(
      "POST", "/api/v1/connections",
      R"({"method":"password","server_url":"http://127.0.0.1:8097","username":"demo","password":"demo-password"})");
  std::string conn_b = json::get_string(b, "id");
  ASSERT_FALSE(conn_b.empty()) << json::stringify(b);
  // Slow writes, so the run is still applying when the worker dies.
  for (int port : {8096, 8097})
    ASSERT_TRUE(api.standin(port, "POST", "/__standin/latency",
                            R"({"Ms":150,"Method":"POST","Prefix":"/User"})")
                    .ok());
  auto pair =
      api.json("POST", "/api/v1/pairs",
               R"({"source":")" + conn_a + R"(","target":")" + conn_b + R"(","mode":"two-way"})");
  std::string pair_id = json::get_string(pair, "id");
  ASSERT_FALSE(pair_id.empty()) << json::stringify(pair);
  std::string run_id =
      json::get_string(api.json("POST", "/api/v1/pairs/" + pair_id + "/runs"), "run_id");
  ASSERT_FALSE(run_id.empty());

  RedisConnection redis(*parse_redis_url("redis://127.0.0.1:6380"));
  auto names = workq::default_names();
  std::string owner;
  json::Document run;
  ASSERT_TRUE(eventually(
      [&] {
        run = api.json("GET", "/api/v1/runs/" + run_id);
        if (json::get_string(run, "phase") != "apply" || sum(run, "applied") == 0) return false;
        auto p = redis.command({"XPENDING", names.urgent, names.group, "-", "+", "10"});
        if (!p.ok() || p->elements.empty()) return false;
        owner = p->elements[0].elements[1].str;
        return true;
      },
      60000))
      << json::stringify(run);
  ASSERT_LT(sum(run, "applied"), sum(run, "planned")) << "the run must still be in the middle";
  ASSERT_TRUE(owner == "worker-1" || owner == "worker-2") << owner;
  std::string service = "sync-worker-" + owner.substr(7);
  pid_t victim = suite.pid_of(service);
  ASSERT_GT(victim, 0);
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  // Its last heartbeat's expiry (jb:workers scores): a restarted worker beats past it.
  auto last_beat = redis.command({"ZSCORE", "jb:workers", owner});
  ASSERT_TRUE(last_beat.ok() && last_beat->is_string());
  double dead_score = std::atof(last_beat->str.c_str());

  auto done = wait_run(api, run_id, 120000);
  ASSERT_EQ(json::get_string(done, "state"), "succeeded") << json::stringify(done);
  EXPECT_EQ(sum(done, "failed"), 0);
  EXPECT_EQ(sum(done, "applied"), sum(done, "planned"));
  EXPECT_GT(sum(done, "planned"), 20);
  // The script restarted the worker, and its heartbeat is back.
  EXPECT_TRUE(eventually(
      [&] {
        return suite.output().find(service + " stopped (killed by signal KILL); restarting") !=
               std::string::npos;
      },
      10000))
      << suite.output();
  EXPECT_TRUE(eventually(
      [&] { return suite.pid_of(service) > 0 && suite.pid_of(service) != victim; }, 10000));
  EXPECT_TRUE(eventually(
      [&] {
        auto h = api.json("GET", "/api/v1/health");
        auto beat = redis.command({"ZSCORE", "jb:workers", owner});
        return json::get_int(h, "workers") == 2 && beat.ok() && beat->is_string() &&
               std::atof(beat->str.c_str()) > dead_score + 1000;
      },
      20000));
  // The right final state: two-way, nothing left to do.
  std::string again =
      json::get_string(api.json("POST", "/api/v1/pairs/" + pair_id + "/runs"), "run_id");
  auto rerun = wait_run(api, again, 60000);
  ASSERT_EQ(json::get_string(rerun, "state"), "succeeded");
  EXPECT_EQ(sum(rerun, "planned"), 0) << json::stringify(rerun);

  suite.script().signal_group(SIGINT);
  EXPECT_EQ(suite.script().wait(30000), 0) << suite.output();
}

// A port `make run` needs is taken: it says which one and which variable
// moves it, and starts nothing.
TEST(MakeRun, ATakenPortIsNamedBeforeAnythingStarts) {
  TempDir dir;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(8096);  // where a real Jellyfin usually listens
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  Suite suite(dir.path());
  ASSERT_TRUE(suite.script().start());
  auto rc = suite.script().wait(30000);
  ::close(fd);
  ASSERT_TRUE(rc.has_value());
  EXPECT_NE(*rc, 0);
  std::string out = suite.output();
  EXPECT_NE(out.find("port 8096 (the demo Jellyfin stand-in) is already in use"), std::string::npos)
      << out;
  EXPECT_NE(out.find("JB_RUN_STANDIN_PORT"), std::string::npos) << out;
  EXPECT_EQ(out.find("Jellybridge is running"), std::string::npos) << out;
  // Nothing was started: no logs, no pids, nothing listening on Redis's port.
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/logs")) << out;
  for (const auto& f : std::filesystem::directory_iterator(dir.path()))
    EXPECT_NE(f.path().filename().string().rfind("run-", 0), 0u) << f.path();
  HttpClient http;
  EXPECT_FALSE(http.get("http://127.0.0.1:8080/healthz").ok());
}

// Ctrl-C (SIGINT to the terminal's process group): the services, each in a
// session of its own, do not see it; the script stops them in dependency order
// and exits 0 with one "stopped." line, and no service logs an error on the way.
TEST(MakeRun, CtrlCStopsEverythingInOrderAndExitsZero) {
  TempDir dir;
  Suite suite(dir.path());
  ASSERT_TRUE(suite.start()) << suite.output();
  Api api;
  ASSERT_TRUE(api.sign_in()) << "the demo user signs in";
  suite.script().signal_group(SIGINT);
  auto rc = suite.script().wait(30000);
  ASSERT_TRUE(rc.has_value()) << suite.output();
  EXPECT_EQ(*rc, 0) << suite.output();
  std::string out = suite.output();
  size_t stopped = 0;
  for (size_t p = out.find("stopped."); p != std::string::npos; p = out.find("stopped.", p + 1))
    ++stopped;
  EXPECT_EQ(stopped, 1u) << out;
  EXPECT_EQ(out.find("error"), std::string::npos) << out;
  // Each service stopped cleanly, in order: auth-service, the workers, library-service.
  auto stop_time = [&](const std::string& service, const char* msg) -> std::string {
    for (const auto& line : text::split(suite.log(service), '\n'))
      if (line.find(std::string("\"msg\":\"") + msg + "\"") != std::string::npos) {
        auto d = json::parse(line);
        if (d.ok()) return json::get_string(*d, "ts");
      }
    return "";
  };
  std::string auth_stopped = stop_time("auth-service", "stopped");
  std::string lib_shutting = stop_time("library-service", "shutting down");
  ASSERT_FALSE(auth_stopped.empty()) << suite.log("auth-service");
  ASSERT_FALSE(lib_shutting.empty()) << suite.log("library-service");
  for (const char* w : {"sync-worker-1", "sync-worker-2"}) {
    std::string began = stop_time(w, "shutting down"), ended = stop_time(w, "stopped");
    ASSERT_FALSE(ended.empty()) << suite.log(w);
    EXPECT_LE(auth_stopped, began) << w << " was stopped before auth-service finished";
    EXPECT_LE(ended, lib_shutting) << "library-service was stopped before " << w << " finished";
  }
  EXPECT_FALSE(stop_time("library-service", "stopped").empty());
  // Redis went last and shut down cleanly (nobody lost it on the way out).
  EXPECT_NE(suite.log("redis").find("ready to exit"), std::string::npos) << suite.log("redis");
  for (const char* svc : {"auth-service", "library-service", "sync-worker-1", "sync-worker-2"})
    for (const auto& line : text::split(suite.log(svc), '\n'))
      EXPECT_TRUE(line.find("\"level\":\"error\"") == std::string::npos &&
                  line.find("\"level\":\"warn\"") == std::string::npos)
          << svc << ": " << line;
}

// Stopping and starting `make run` again keeps what the user did: the session,
// the connections (the demo stand-ins remember the tokens they issued, in
// var/standin/), and the libraries answer without "connect it again".
TEST(MakeRun, ARestartKeepsSessionsAndDemoConnectionsActive) {
  TempDir dir;
  Api api;
  std::string conn_b;
  {
    Suite first(dir.path());
    ASSERT_TRUE(first.start()) << first.output();
    ASSERT_TRUE(api.sign_in());
    auto b = api.json(
        "POST", "/api/v1/connections",
        R"({"method":"password","server_url":"http://127.0.0.1:8097","username":"demo","password":"demo-password"})");
    conn_b = json::get_string(b, "id");
    ASSERT_EQ(json::get_string(b, "status"), "active") << json::stringify(b);
    first.script().signal_group(SIGINT);
    ASSERT_EQ(first.script().wait(30000), 0) << first.output();
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/standin/a.json"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/standin/b.json"));
  Suite second(dir.path());
  ASSERT_TRUE(second.start()) << second.output();
  // The same session token still works, and both connections are still active
  // after a check against the restarted servers.
  auto conns = api.json("GET", "/api/v1/connections");
  const auto* list = json::member(conns, "connections");
  ASSERT_TRUE(list && list->Size() == 2) << json::stringify(conns);
  for (const auto& c : list->GetArray()) {
    std::string id = json::get_string(c, "id");
    auto verified = api.json("POST", "/api/v1/connections/" + id + "/verify");
    EXPECT_EQ(json::get_string(verified, "status"), "active") << json::stringify(verified);
    auto libs = api.call("GET", "/api/v1/connections/" + id + "/libraries?refresh=true");
    ASSERT_TRUE(libs.ok());
    EXPECT_EQ(libs->status, 200) << libs->body;
  }
  second.script().signal_group(SIGINT);
  EXPECT_EQ(second.script().wait(30000), 0) << second.output();
}

int main(int argc, char** argv) {
  if (auto s = enter_private_network(); !s.ok()) {
    std::fprintf(stderr, "cannot run `make run` tests in a private network namespace: %s\n",
                 s.error().message.c_str());
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
