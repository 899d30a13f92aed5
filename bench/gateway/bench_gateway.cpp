// bench/gateway — the cost of authentication on the API edge: wrk against
// authenticated GET /api/v1/me (session lookup in Redis, sliding expiry) and
// unauthenticated GET /healthz, in the same run, keep-alive, 50 connections,
// with the edge on (trusted-proxy X-Forwarded-For parsing on every request,
// the sign-in limiter configured).
// Prints both request rates, their ratio and p99 latencies (target: the
// authenticated path keeps at least 0.8 of the unauthenticated rate).
//
//   build/bench/gateway/bench_gateway [--seconds S] [--connections C]
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/core/json.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

struct WrkResult {
  double rps = 0;
  double p99_ms = 0;
  long non2xx = 0;
  std::string raw;
};

double to_ms(const std::string& v) {
  double x = std::atof(v.c_str());
  if (v.find("us") != std::string::npos) return x / 1000.0;
  if (v.find("ms") != std::string::npos) return x;
  if (v.find('s') != std::string::npos) return x * 1000.0;
  return x;
}

WrkResult run_wrk(const std::string& url, const std::vector<std::string>& headers, int seconds,
                  int connections) {
  std::string cmd = "wrk -t2 -c" + std::to_string(connections) + " -d" + std::to_string(seconds) +
                    "s --latency -H 'Connection: keep-alive'";
  for (const auto& h : headers) cmd += " -H '" + h + "'";
  cmd += " " + url + " 2>&1";
  WrkResult r;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return r;
  char buf[4096];
  while (fgets(buf, sizeof buf, f)) r.raw += buf;
  pclose(f);
  auto find_after = [&](const std::string& key) -> std::string {
    auto p = r.raw.find(key);
    if (p == std::string::npos) return "";
    p += key.size();
    while (p < r.raw.size() && (r.raw[p] == ' ' || r.raw[p] == '\t')) ++p;
    auto e = r.raw.find_first_of(" \n", p);
    return r.raw.substr(p, e - p);
  };
  r.rps = std::atof(find_after("Requests/sec:").c_str());
  r.p99_ms = to_ms(find_after("99%"));
  std::string non = find_after("Non-2xx or 3xx responses:");
  r.non2xx = non.empty() ? 0 : std::atol(non.c_str());
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  int seconds = 2, connections = 50;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--connections")) connections = std::atoi(argv[++i]);
  }
  if (std::system("command -v wrk >/dev/null 2>&1") != 0) {
    std::fprintf(stderr,
                 "bench_gateway needs wrk (Debian package wrk; scripts/deps.sh installs it)\n");
    return 1;
  }
  Standin home;
  Stack stack;
  if (!home.ok() || !stack.redis.ok() ||
      !stack.start_auth({{"JB_JELLYFIN_URL", home.url()},
                         {"JB_LOG_LEVEL", "warn"},
                         {"JB_TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8"}})) {
    std::fprintf(stderr, "could not start the stack\n");
    return 1;
  }
  auto login = stack.http.post_json(stack.api("/api/v1/auth/login"),
                                    R"({"username":"demo","password":"demo-password"})");
  if (!login.ok() || login->status != 200) {
    std::fprintf(stderr, "sign-in failed\n");
    return 1;
  }
  auto d = json::parse(login->body);
  std::string token = json::get_string(*json::member(*d, "session"), "token");
  std::printf(
      "# bench/gateway: wrk -t2 -c%d -d%ds, keep-alive; auth-service with %s reactor threads\n",
      connections, seconds, "2");
  // The edge as deployed behind a proxy: every request carries a two-hop
  // X-Forwarded-For that is resolved through JB_TRUSTED_PROXIES, and the
  // sign-in limiter, lockout and ban checks are on (their defaults).
  std::printf(
      "# edge on: JB_TRUSTED_PROXIES set, X-Forwarded-For resolved on every request, "
      "sign-in limiter at its defaults\n");
  const std::string forwarded = "X-Forwarded-For: 198.51.100.7, 10.0.0.2";
  const std::vector<std::string> open_headers = {forwarded};
  const std::vector<std::string> me_headers = {forwarded, "Authorization: Bearer " + token};
  // Warm up both paths.
  run_wrk(stack.api("/healthz"), open_headers, 1, connections);
  run_wrk(stack.api("/api/v1/me"), me_headers, 1, connections);
  // Adjacent pairs in alternating order; the ratio is taken per pair (both
  // halves of a pair see the same machine) and the median pair is reported,
  // so bursts of other load on a shared machine do not decide the result.
  WrkResult open, authed;
  std::vector<double> ratios;
  const int pairs = 5;
  for (int i = 0; i < pairs; ++i) {
    WrkResult a, b;
    auto run_open = [&] {
      return run_wrk(stack.api("/healthz"), open_headers, seconds, connections);
    };
    auto run_me = [&] {
      return run_wrk(stack.api("/api/v1/me"), me_headers, seconds, connections);
    };
    if (i % 2 == 0) {
      a = run_open();
      b = run_me();
    } else {
      b = run_me();
      a = run_open();
    }
    if (a.rps <= 0 || b.rps <= 0) {
      std::fprintf(stderr, "wrk output:\n%s\n%s\n", a.raw.c_str(), b.raw.c_str());
      return 1;
    }
    ratios.push_back(b.rps / a.rps);
    open.rps += a.rps / pairs;
    authed.rps += b.rps / pairs;
    open.p99_ms = std::max(open.p99_ms, a.p99_ms);
    authed.p99_ms = std::max(authed.p99_ms, b.p99_ms);
    authed.non2xx += b.non2xx;
  }
  std::sort(ratios.begin(), ratios.end());
  double median = ratios[ratios.size() / 2];
  int rounds = pairs;
  std::printf("gateway.healthz.req_per_sec=%.0f  (mean)\n", open.rps);
  std::printf("gateway.healthz.p99_ms=%.2f  (worst of %d runs)\n", open.p99_ms, rounds);
  std::printf("gateway.me_authenticated.req_per_sec=%.0f  (mean)\n", authed.rps);
  std::printf("gateway.me_authenticated.p99_ms=%.2f  (worst of %d runs)\n", authed.p99_ms, rounds);
  std::printf("gateway.me_authenticated.non_2xx=%ld\n", authed.non2xx);
  std::printf(
      "gateway.ratio_authenticated_over_open=%.2f  (median of %d adjacent pairs; min %.2f, max "
      "%.2f)\n",
      median, pairs, ratios.front(), ratios.back());
  std::printf("gateway.target_ratio=0.80 %s\n", median >= 0.8 ? "met" : "NOT met");
  return 0;
}
