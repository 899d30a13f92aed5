// End-to-end: `make run` as a user runs it — scripts/run.sh with its default
// ports, in a private network namespace (tests/support/netns.h) so nothing
// else on the machine can collide with them. The script leads its own process
// group, as in a terminal, and is stopped with SIGINT to that group (Ctrl-C).
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "common/http_client.h"
#include "common/json.h"
#include "common/redis.h"
#include "common/time.h"
#include "common/work_queue.h"
#include "tests/support/netns.h"
#include "tests/support/process.h"

using namespace jb;
using namespace jb::testing;

namespace {

bool eventually(const std::function<bool()>& f, int ms) {
  int64_t end = timeutil::monotonic_ms() + ms;
  while (timeutil::monotonic_ms() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return f();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// scripts/run.sh <build dir> with its data folder in a temporary directory.
class Suite {
 public:
  explicit Suite(const std::string& var, std::map<std::string, std::string> env = {}) : var_(var) {
    env["JB_RUN_DIR"] = var;
    proc_ = std::make_unique<Process>(std::vector<std::string>{"/bin/bash", source_dir() + "/scripts/run.sh", binary_dir()},
                                      env, "make-run");
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
    return proc_->wait_for_line([](const std::string& l) { return l.find("Press Ctrl-C to stop.") != std::string::npos; },
                                60000)
        .has_value();
  }
  Process& script() { return *proc_; }
  pid_t pid_of(const std::string& service) { return std::atoi(read_file(var_ + "/run-" + service + ".pid").c_str()); }
  std::string output() {
    std::string all;
    for (const auto& l : proc_->lines()) all += l + "\n";
    return all;
  }
  std::string log(const std::string& service) { return read_file(var_ + "/logs/" + service + ".log"); }

 private:
  std::string var_;
  std::unique_ptr<Process> proc_;
};

// The suite's HTTP API and the demo stand-ins, at make run's addresses.
struct Api {
  HttpClient http;
  std::string token;
  Result<HttpResponse> call(const std::string& method, const std::string& path, const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.url = "http://127.0.0.1:8080" + path;
    r.body = body;
    if (!token.empty()) r.headers = {{"Authorization", "Bearer " + token}};
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    return http.send(r);
  }
  json::Document json(const std::string& method, const std::string& path, const std::string& body = "") {
    json::Document d;
    d.SetObject();
    auto r = call(method, path, body);
    if (r.ok())
      if (auto p = json::parse(r->body); p.ok()) d = std::move(*p);
    return d;
  }
  bool sign_in() {
    auto d = json("POST", "/api/v1/auth/login", R"({"username":"demo","password":"demo-password"})");
    if (const auto* s = json::member(d, "session")) token = json::get_string(*s, "token");
    return !token.empty();
  }
  Status standin(int port, const std::string& method, const std::string& path, const std::string& body) {
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
  Api api;
  ASSERT_TRUE(api.sign_in());
  auto conns = api.json("GET", "/api/v1/connections");
  ASSERT_EQ(json::member(conns, "connections")->Size(), 1u) << json::stringify(conns);
  std::string conn_a = json::get_string((*json::member(conns, "connections"))[0], "id");
  auto b = api.json("POST", "/api/v1/connections",
                    R"({"method":"password","server_url":"http://127.0.0.1:8097","username":"demo","password":"demo-password"})");
  std::string conn_b = json::get_string(b, "id");
  ASSERT_FALSE(conn_b.empty()) << json::stringify(b);
  // Slow writes, so the run is still applying when the worker dies.
  for (int port : {8096, 8097})
    ASSERT_TRUE(api.standin(port, "POST", "/__standin/latency", R"({"Ms":150,"Method":"POST","Prefix":"/User"})").ok());
  auto pair = api.json("POST", "/api/v1/pairs", R"({"source":")" + conn_a + R"(","target":")" + conn_b + R"(","mode":"two-way"})");
  std::string pair_id = json::get_string(pair, "id");
  ASSERT_FALSE(pair_id.empty()) << json::stringify(pair);
  std::string run_id = json::get_string(api.json("POST", "/api/v1/pairs/" + pair_id + "/runs"), "run_id");
  ASSERT_FALSE(run_id.empty());

  RedisConnection redis(*parse_redis_url("redis://127.0.0.1:6380"));
  auto names = workq::default_names();
  std::string owner;
  json::Document run;
  ASSERT_TRUE(eventually(
      [&] {
        run = api.json("GET", "/api/v1/runs/" + run_id);
        if (json::get_string(run, "phase") != "apply" || sum(run, "applied") == 0) return false;
        auto p = redis.command({"XPENDING", names.stream, names.group, "-", "+", "10"});
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
  EXPECT_TRUE(eventually([&] { return suite.output().find(service + " stopped (killed by signal KILL); restarting") != std::string::npos; },
                         10000))
      << suite.output();
  EXPECT_TRUE(eventually([&] { return suite.pid_of(service) > 0 && suite.pid_of(service) != victim; }, 10000));
  EXPECT_TRUE(eventually(
      [&] {
        auto h = api.json("GET", "/api/v1/health");
        auto beat = redis.command({"ZSCORE", "jb:workers", owner});
        return json::get_int(h, "workers") == 2 && beat.ok() && beat->is_string() &&
               std::atof(beat->str.c_str()) > dead_score + 1000;
      },
      20000));
  // The right final state: two-way, nothing left to do.
  std::string again = json::get_string(api.json("POST", "/api/v1/pairs/" + pair_id + "/runs"), "run_id");
  auto rerun = wait_run(api, again, 60000);
  ASSERT_EQ(json::get_string(rerun, "state"), "succeeded");
  EXPECT_EQ(sum(rerun, "planned"), 0) << json::stringify(rerun);

  suite.script().signal_group(SIGINT);
  EXPECT_EQ(suite.script().wait(30000), 0) << suite.output();
}

int main(int argc, char** argv) {
  if (auto s = enter_private_network(); !s.ok()) {
    std::fprintf(stderr, "cannot run `make run` tests in a private network namespace: %s\n", s.error().message.c_str());
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
