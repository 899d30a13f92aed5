// bench/signup — sign-ups through invites (issue 14): `--clients` (20)
// concurrent clients create accounts with invites at auth-service, whose home
// Jellyfin (the stand-in) answers every request after `--latency-ms` (5). Each
// sign-up applies a profile captured from a template user (policy and
// configuration), so the fewest Jellyfin requests one can take is 3:
// POST /Users/New, POST /Users/{id}/Policy, POST /Users/Configuration (the
// profile has no display preferences: with them, POST /DisplayPreferences makes 4).
// Two phases, `--accounts` (400) sign-ups each:
//   plain   invites without the human check;
//   human   invites with it: each client solves a proof-of-work challenge
//           (JB_HUMAN_CHECK_MAXNUMBER 100000, the default) before its sign-up,
//           outside the timed sign-up request, and sends it along.
// Prints accounts per second, p50/p99 of the sign-up request, the stand-in's
// requests per sign-up (counted by the stand-in) against the minimum, and the
// latency bound: clients / (3 × latency) sign-ups per second if Jellyfin's
// latency were the only cost.
//
//   build/bench/signup/bench_signup [--clients N] [--accounts N] [--latency-ms N]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "auth-service/accounts/human_check.h"
#include "common/core/json.h"
#include "tests/support/answers.h"
#include "tests/support/api_client.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr int kMinRequests = 3;

struct Phase {
  int made = 0, failed = 0;
  double wall_s = 0, p50_ms = 0, p99_ms = 0;
  int64_t jellyfin_requests = 0;
};

std::string solved(ApiClient& anon) {
  auto r = anon.call("POST", "/api/v1/signup/challenge");
  if (!r.ok() || r->status != 200) return "";
  auto c = accounts::parse_pow_challenge(r->body);
  return c.ok() ? accounts::solve_pow_payload(*c) : "";
}

Phase run(Stack& stack, Standin& home, const std::string& code, const std::string& prefix,
          int clients, int accounts, bool human) {
  Phase p;
  std::atomic<int> next{0};
  std::mutex mu;
  std::vector<double> lat;
  if (!home.reset_counters().ok()) return p;
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&] {
      ApiClient anon(stack.api(""), "");
      std::vector<double> mine;
      int ok = 0, bad = 0;
      for (int i = next++; i < accounts; i = next++) {
        json::Writer w;
        w.begin_object()
            .kv("code", code)
            .kv("user_name", prefix + std::to_string(i))
            .kv("password", "bench passphrase " + std::to_string(i));
        if (human) w.kv("human_check", solved(anon));
        w.end_object();
        auto s = std::chrono::steady_clock::now();
        auto r = anon.call("POST", "/api/v1/signup", w.str());
        mine.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s)
                .count());
        if (r.ok() && r->status == 201) {
          ++ok;
        } else {
          ++bad;
          if (bad <= 3)
            std::fprintf(stderr, "sign-up failed: %s\n",
                         r.ok() ? r->body.c_str() : r.error().message.c_str());
        }
      }
      std::lock_guard lk(mu);
      p.made += ok;
      p.failed += bad;
      lat.insert(lat.end(), mine.begin(), mine.end());
    });
  for (auto& t : threads) t.join();
  p.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::sort(lat.begin(), lat.end());
  if (!lat.empty()) {
    p.p50_ms = lat[lat.size() / 2];
    p.p99_ms = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  }
  p.jellyfin_requests = home.total_requests();
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 20, accounts = 400, latency_ms = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--clients")) clients = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--accounts")) accounts = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--latency-ms")) latency_ms = std::atoi(argv[++i]);
  }
  Standin home;
  Stack stack;
  if (!home.ok() || !stack.redis.ok() ||
      !stack.start_auth({{"JB_JELLYFIN_URL", home.url()},
                         {"JB_SIGNUP_IP_BURST", "1000000"},
                         {"JB_HANDLER_THREADS", "32"}})) {
    std::fprintf(stderr, "could not start the stack\n");
    return 1;
  }
  auto token = session_token(stack.api(""), "admin", "admin-password");
  if (!token.ok()) return 1;
  ApiClient admin(stack.api(""), *token);
  // The admin connection: the admin's home connection (an administrator's token).
  auto conns = body_of(admin.call("GET", "/api/v1/connections"));
  const std::string home_conn = json::get_string((*json::member(conns, "connections"))[0], "id");
  if (admin.call("PUT", "/api/v1/admin/connection", R"({"connection_id":")" + home_conn + "\"}")
          ->status != 200)
    return 1;
  // The profile: the demo user's policy and configuration.
  auto jf_admin = home.login("admin", "admin-password", "bench");
  auto users = json::parse(home.api("GET", "/Users", *jf_admin, "", "bench")->body);
  std::string demo;
  for (const auto& u : users->GetArray())
    if (json::get_string(u, "Name") == "demo") demo = json::get_string(u, "Id");
  auto profile = admin.call("POST", "/api/v1/admin/profiles",
                            R"({"name":"bench","template_user_id":")" + demo + "\"}");
  if (!profile.ok() || profile->status != 201) return 1;
  auto invite = [&](bool human) {
    auto r = admin.call("POST", "/api/v1/admin/invites",
                        R"({"max_uses":)" + std::to_string(accounts) + R"(,"human_check":)" +
                            (human ? "true" : "false") + "}");
    return json::get_string(body_of(r), "code");
  };
  const std::string plain_code = invite(false), human_code = invite(true);
  if (!home.control("POST", "/__standin/latency",
                    R"({"GlobalMs":)" + std::to_string(latency_ms) + "}")
           .ok())
    return 1;
  std::printf("# bench/signup: %d clients, stand-in latency %d ms, %d sign-ups per phase\n",
              clients, latency_ms, accounts);
  std::fflush(stdout);
  const double bound = 1000.0 * clients / (kMinRequests * std::max(1, latency_ms));
  for (bool human : {false, true}) {
    const char* name = human ? "human" : "plain";
    Phase p = run(stack, home, human ? human_code : plain_code, std::string(name) + "-", clients,
                  accounts, human);
    const double rate = p.made / std::max(1e-9, p.wall_s);
    std::printf("%s.accounts_created=%d failed=%d\n", name, p.made, p.failed);
    std::printf("%s.accounts_per_s=%.1f (wall %.2f s)\n", name, rate, p.wall_s);
    std::printf("%s.signup_p50_ms=%.1f p99_ms=%.1f\n", name, p.p50_ms, p.p99_ms);
    std::printf("%s.jellyfin_requests_per_signup=%.2f (minimum for the profile: %d)\n", name,
                p.made ? static_cast<double>(p.jellyfin_requests) / p.made : 0.0, kMinRequests);
    std::printf("%s.latency_bound_per_s=%.0f rate_vs_bound=%.2f\n", name, bound, rate / bound);
    std::fflush(stdout);
  }
  return 0;
}
