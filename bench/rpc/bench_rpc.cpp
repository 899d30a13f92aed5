// bench/rpc — ZeroMQ RPC round trips between two processes on loopback, and a
// Redis GET through our client, with p50/p99 latency. Prints key=value lines.
//
//   build/bench/rpc/bench_rpc [--calls N] [--seconds S]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/core/time.h"
#include "common/net/rpc.h"
#include "common/redis/client.h"
#include "tests/support/process.h"
#include "tests/support/redis_server.h"

using namespace jb;

namespace {

double pct(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return static_cast<double>(v[i]);
}

void report(const char* name, std::vector<int64_t>& lat_ns, double secs) {
  double n = static_cast<double>(lat_ns.size());
  std::printf("%s.calls=%zu\n", name, lat_ns.size());
  std::printf("%s.per_sec=%.0f\n", name, n / secs);
  std::printf("%s.p50_us=%.1f\n", name, pct(lat_ns, 0.50) / 1000.0);
  std::printf("%s.p99_us=%.1f\n", name, pct(lat_ns, 0.99) / 1000.0);
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Binds a port of its own and tells the parent which, through `report`.
[[noreturn]] void run_server(int report) {
  zmq::context_t ctx;
  RpcServerOptions o;
  o.bind = "tcp://127.0.0.1:*";
  o.threads = 4;
  o.name = "bench-server";
  RpcServer s(ctx, o,
              [](const std::string&, const std::string& p) -> Result<std::string> { return p; });
  if (!s.start().ok()) _exit(1);
  std::string ep = s.endpoint() + "\n";
  if (write(report, ep.data(), ep.size()) != static_cast<ssize_t>(ep.size())) _exit(1);
  close(report);
  pause();  // until SIGTERM
  _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  int calls = 20000;
  double seconds = 3;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--calls")) calls = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[++i]);
  }
  int fds[2];
  if (pipe(fds) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    run_server(fds[1]);
  }
  close(fds[1]);
  std::string ep;
  char c;
  while (read(fds[0], &c, 1) == 1 && c != '\n') ep += c;
  close(fds[0]);
  if (ep.empty()) {
    std::fprintf(stderr, "bench/rpc: the server did not start\n");
    return 1;
  }
  std::printf("# bench/rpc: server in a separate process (pid %d), %s\n", child, ep.c_str());
  std::string payload(100, 'x');
  {
    zmq::context_t ctx;
    RpcClientOptions co;
    co.endpoint = ep;
    co.timeout_ms = 2000;
    co.attempts = 1;
    RpcClient c(ctx, co);
    for (int i = 0; i < 200; ++i) (void)c.call("echo", payload);  // warm up / connect
    std::vector<int64_t> lat;
    lat.reserve(static_cast<size_t>(calls));
    int64_t t0 = now_ns();
    for (int i = 0; i < calls; ++i) {
      int64_t a = now_ns();
      auto r = c.call("echo", payload);
      if (!r.ok()) {
        std::fprintf(stderr, "rpc failed: %s\n", r.error().message.c_str());
        return 1;
      }
      lat.push_back(now_ns() - a);
    }
    report("rpc.sequential", lat, static_cast<double>(now_ns() - t0) / 1e9);

    // Concurrent: 8 client threads (each its own socket) for `seconds`.
    const int threads = 8;
    std::vector<std::vector<int64_t>> per(threads);
    std::atomic<bool> stop{false};
    std::vector<std::thread> ts;
    int64_t c0 = now_ns();
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&, t] {
        RpcClient tc(ctx, co);
        while (!stop.load()) {
          int64_t a = now_ns();
          if (tc.call("echo", payload).ok()) per[t].push_back(now_ns() - a);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(seconds * 1000)));
    stop = true;
    for (auto& t : ts) t.join();
    std::vector<int64_t> all;
    for (auto& v : per) all.insert(all.end(), v.begin(), v.end());
    report("rpc.concurrent8", all, static_cast<double>(now_ns() - c0) / 1e9);
  }
  kill(child, SIGTERM);
  waitpid(child, nullptr, 0);

  testing::RedisServer redis;
  if (!redis.ok()) {
    std::fprintf(stderr, "cannot start redis-server\n");
    return 1;
  }
  auto ro = parse_redis_url(redis.url());
  RedisConnection rc(*ro);
  (void)rc.command({"SET", "bench:key", payload});
  std::vector<int64_t> lat;
  int64_t t0 = now_ns();
  for (int i = 0; i < calls; ++i) {
    int64_t a = now_ns();
    auto r = rc.command({"GET", "bench:key"});
    if (!r.ok()) return 1;
    lat.push_back(now_ns() - a);
  }
  report("redis.get.sequential", lat, static_cast<double>(now_ns() - t0) / 1e9);
  std::vector<RedisArgv> batch(100, RedisArgv{"GET", "bench:key"});
  int rounds = calls / 100;
  std::vector<int64_t> blat;
  t0 = now_ns();
  for (int i = 0; i < rounds; ++i) {
    int64_t a = now_ns();
    if (!rc.pipeline(batch).ok()) return 1;
    blat.push_back(now_ns() - a);
  }
  double secs = static_cast<double>(now_ns() - t0) / 1e9;
  std::printf("redis.get.pipelined100.per_sec=%.0f\n", rounds * 100 / secs);
  std::printf("redis.get.pipelined100.batch_p50_us=%.1f\n", pct(blat, 0.5) / 1000.0);
  std::printf("redis.get.pipelined100.batch_p99_us=%.1f\n", pct(blat, 0.99) / 1000.0);
  return 0;
}
