// bench/signin — sign-in throughput with a second factor (issue 12): 50
// concurrent clients sign in to auth-service, whose home Jellyfin (the
// stand-in) answers every request after 5 ms. Each TOTP sign-in is two
// requests: the password (→ a challenge; auth-service asks Jellyfin) and the
// authenticator's code (→ a session; the replay floor in Redis, the sealed
// secret opened, the challenge taken). Measured in one run, as ratios:
//   password-only sign-ins of users without a second factor (the same first
//   step, ending in a session), TOTP sign-ins, and the stand-in's own
//   AuthenticateByName rate at the same concurrency (the ceiling the suite
//   cannot pass, since every sign-in asks Jellyfin once).
// Prints sign-ins per second and p99 latency (of the whole sign-in, both
// requests) for each, and the ratios. Since the bench, the stand-in, Redis and
// auth-service share the machine's cores, the rates alone cannot say who is
// the bottleneck: each phase also prints the work per sign-in, as CPU time of
// auth-service, of Redis and of the stand-in, Redis commands and Jellyfin
// requests. `suite_cpu_vs_standin` (auth-service + Redis CPU per TOTP sign-in
// over the stand-in's CPU per AuthenticateByName) below 1 means that, on
// equal cores, the suite keeps up with a Jellyfin faster than the stand-in
// with cheap hashing (a real server hashes the password with PBKDF2, which
// costs far more). The TOTP codes come from common/core/otp
// (the RFC 6238 implementation the tests check against oathtool); each user's
// code works once per 30-second step, so the TOTP phase uses many users.
//
// A second run does the same with Jellyfin's real password hashing in the
// stand-in (PBKDF2-SHA512, 210,000 iterations): the stand-in's own rate and
// the TOTP sign-in rate through the suite, and their ratio (real_hashing.*).
//
//   build/bench/signin/bench_signin [--clients N] [--users N] [--latency-ms N]
//                                   [--real-users N (0 = skip the second run)]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/core/base32.h"
#include "common/core/json.h"
#include "common/core/otp.h"
#include "common/core/time.h"
#include "common/net/http_client.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

using Clock = std::chrono::steady_clock;

struct Phase {
  double per_s = 0, p50_ms = 0, p99_ms = 0;
  int ok = 0, failed = 0;
};

// Runs `jobs` items on `clients` threads (each with its own keep-alive client);
// `one` returns true when its sign-in succeeded.
template <typename F>
Phase run_phase(int clients, int jobs, F one) {
  std::atomic<int> next{0}, ok{0}, failed{0};
  std::mutex mu;
  std::vector<double> lat;
  auto t0 = Clock::now();
  std::vector<std::thread> ts;
  for (int c = 0; c < clients; ++c)
    ts.emplace_back([&] {
      HttpClient http;
      std::vector<double> mine;
      for (int i = next++; i < jobs; i = next++) {
        auto s = Clock::now();
        bool good = one(http, i);
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
        (good ? ok : failed)++;
      }
      std::lock_guard l(mu);
      lat.insert(lat.end(), mine.begin(), mine.end());
    });
  for (auto& t : ts) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  Phase p;
  p.ok = ok;
  p.failed = failed;
  p.per_s = secs > 0 ? ok / secs : 0;
  std::sort(lat.begin(), lat.end());
  if (!lat.empty()) {
    p.p50_ms = lat[lat.size() / 2];
    p.p99_ms = lat[std::min(lat.size() - 1, lat.size() * 99 / 100)];
  }
  return p;
}

// CPU seconds (user + system) a process has used so far; 0 when unknown.
double cpu_s(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; in >> field && i <= 15; ++i)
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A number from redis-cli INFO output ("name:value").
double info_value(const std::string& info, const std::string& name) {
  const auto at = info.find(name + ":");
  return at == std::string::npos ? 0 : std::atof(info.c_str() + at + name.size() + 1);
}

// What the processes have used so far.
struct Usage {
  double auth_cpu = 0, standin_cpu = 0, redis_cpu = 0, redis_cmds = 0, jellyfin_requests = 0;
};
Usage usage(Stack& stack, Standin& home) {
  Usage u;
  u.auth_cpu = cpu_s(stack.auth->pid());
  u.standin_cpu = cpu_s(home.process().pid());
  const std::string info = stack.redis.cli("INFO");
  u.redis_cpu = info_value(info, "used_cpu_user") + info_value(info, "used_cpu_sys");
  u.redis_cmds = info_value(info, "total_commands_processed");
  u.jellyfin_requests = static_cast<double>(home.total_requests());
  return u;
}

// Work per sign-in between two snapshots.
struct Work {
  double auth_cpu_ms = 0, standin_cpu_ms = 0, redis_cpu_ms = 0, redis_cmds = 0, jellyfin = 0;
};
Work per_signin(const Usage& a, const Usage& b, int signins) {
  const double n = std::max(1, signins);
  return {1000 * (b.auth_cpu - a.auth_cpu) / n, 1000 * (b.standin_cpu - a.standin_cpu) / n,
          1000 * (b.redis_cpu - a.redis_cpu) / n, (b.redis_cmds - a.redis_cmds) / n,
          (b.jellyfin_requests - a.jellyfin_requests) / n};
}

void print_work(const std::string& label, const Work& w) {
  const char* name = label.c_str();
  std::printf(
      "%s.auth_cpu_ms_per_signin=%.3f\n%s.redis_cpu_ms_per_signin=%.3f\n"
      "%s.standin_cpu_ms_per_signin=%.3f\n%s.redis_commands_per_signin=%.1f\n"
      "%s.jellyfin_requests_per_signin=%.2f\n",
      name, w.auth_cpu_ms, name, w.redis_cpu_ms, name, w.standin_cpu_ms, name, w.redis_cmds, name,
      w.jellyfin);
}

std::string body_field(const Result<HttpResponse>& r, const char* object, const char* field) {
  if (!r.ok() || r->status != 200) return "";
  auto d = json::parse(r->body);
  if (!d.ok()) return "";
  const auto* o = json::member(*d, object);
  return o ? json::get_string(*o, field) : "";
}

std::string credentials(const std::string& user) {
  return R"({"username":")" + user + R"(","password":"bench-password"})";
}

void print(const std::string& label, const Phase& p) {
  const char* name = label.c_str();
  std::printf("%s.signins_per_s=%.0f\n%s.p50_ms=%.1f\n%s.p99_ms=%.1f\n%s.ok=%d\n%s.failed=%d\n",
              name, p.per_s, name, p.p50_ms, name, p.p99_ms, name, p.ok, name, p.failed);
}

// auth-service on its own Redis, signing in at `home`, limits out of the way.
bool start_stack(Stack& stack, Standin& home) {
  const std::string many = "1000000";
  return home.ok() && stack.redis.ok() &&
         stack.start_auth({{"JB_JELLYFIN_URL", home.url()},
                           {"JB_LOG_LEVEL", "warn"},
                           {"JB_SIGNIN_IP_BURST", many},
                           {"JB_SIGNIN_USER_BURST", many},
                           {"JB_SECOND_FACTOR_BURST", many},
                           {"JB_LOCKOUT_FAILURES", "1000"},
                           {"JB_HANDLER_THREADS", "32"}});
}

std::vector<std::string> make_users(Standin& home, const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    out.push_back(prefix + std::to_string(i));
    if (!home.create_user(out.back(), "bench-password").ok()) {
      std::fprintf(stderr, "could not create %s\n", out.back().c_str());
      return {};
    }
  }
  return out;
}

// Turns on TOTP for every user; answers their secrets ("" for a failure). The
// confirming code is the previous step's, so this step's and the next one's
// remain for the measured sign-ins. (Recovery codes are Argon2id hashes: slow.)
std::vector<std::string> enrol(Stack& stack, const std::vector<std::string>& users) {
  std::vector<std::string> keys(users.size());
  run_phase(8, static_cast<int>(users.size()), [&](HttpClient& http, int i) {
    auto in = http.post_json(stack.api("/api/v1/auth/login"), credentials(users[i]));
    const std::string token = body_field(in, "session", "token");
    HttpRequest b;
    b.method = "POST";
    b.url = stack.api("/api/v1/me/security/totp");
    b.headers = {{"Authorization", "Bearer " + token}};
    auto en = http.send(b);
    if (!en.ok() || en->status != 201) return false;
    auto secret = base32::decode(json::get_string(*json::parse(en->body), "secret"));
    if (!secret.ok()) return false;
    const int64_t now = timeutil::now_unix_ms() / 1000;
    auto ok = http.post_json(stack.api("/api/v1/me/security/totp/confirm"),
                             R"({"code":")" + otp::totp(*secret, now - 30) + R"("})",
                             {{"Authorization", "Bearer " + token}});
    if (!ok.ok() || ok->status != 200) return false;
    keys[i] = *secret;
    return true;
  });
  return keys;
}

// The stand-in's own AuthenticateByName, `jobs` times over `users`.
Phase direct_phase(Standin& home, const std::vector<std::string>& users, int clients, int jobs) {
  return run_phase(clients, jobs, [&](HttpClient& http, int i) {
    const size_t u = static_cast<size_t>(i) % users.size();
    HttpRequest r;
    r.method = "POST";
    r.url = home.url() + "/Users/AuthenticateByName";
    r.body = R"({"Username":")" + users[u] + R"(","Pw":"bench-password"})";
    r.headers = {
        {"Content-Type", "application/json"},
        {"Authorization", "MediaBrowser Client=\"bench\", Device=\"bench\", DeviceId=\"bench-" +
                              std::to_string(u) + "\", Version=\"1\""}};
    auto a = http.send(r);
    return a.ok() && a->status == 200;
  });
}

// Password + TOTP through the suite: each user twice (this step's code, then the next step's).
Phase totp_phase(Stack& stack, const std::vector<std::string>& users,
                 const std::vector<std::string>& keys, int clients) {
  const int n = static_cast<int>(users.size());
  const int64_t step0 = otp::time_step(timeutil::now_unix_ms() / 1000);
  std::vector<std::atomic<int64_t>> used(users.size());
  for (auto& u : used) u = step0 - 1;
  return run_phase(clients, 2 * n, [&](HttpClient& http, int i) {
    const size_t u = static_cast<size_t>(i % n);
    auto in = http.post_json(stack.api("/api/v1/auth/login"), credentials(users[u]));
    const std::string id = body_field(in, "challenge", "id");
    if (id.empty()) return false;
    // The next step above the user's floor that is still inside the ±1 window.
    const int64_t cur = otp::time_step(timeutil::now_unix_ms() / 1000);
    const int64_t step = std::max(used[u].load() + 1, cur - 1);
    if (step > cur + 1) return false;
    used[u] = step;
    auto done =
        http.post_json(stack.api("/api/v1/auth/challenge/" + id),
                       R"({"method":"totp","code":")" + otp::totp(keys[u], step * 30) + R"("})");
    return !body_field(done, "session", "token").empty();
  });
}

bool all_enrolled(const std::vector<std::string>& keys) {
  for (const auto& k : keys)
    if (k.empty()) return false;
  return !keys.empty();
}

// A phase and the work it cost per sign-in, from snapshots taken around it.
struct Measured {
  Phase phase;
  Work work;
};
template <typename F>
Measured measure(Stack& stack, Standin& home, F run) {
  const Usage before = usage(stack, home);
  Phase p = run();
  const Usage after = usage(stack, home);
  return {p, per_signin(before, after, p.ok + p.failed)};
}
void report(const std::string& name, const Measured& m) {
  print(name, m.phase);
  print_work(name, m.work);
}
// auth-service + Redis CPU per sign-in over the stand-in's per AuthenticateByName.
double suite_vs_standin(const Work& suite, const Work& standin_direct) {
  return standin_direct.standin_cpu_ms > 0
             ? (suite.auth_cpu_ms + suite.redis_cpu_ms) / standin_direct.standin_cpu_ms
             : 0;
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 50, users = 300, latency_ms = 5, real_users = 50;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--clients")) clients = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--users")) users = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--latency-ms")) latency_ms = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--real-users")) real_users = std::atoi(argv[++i]);
  }
  Standin home;
  Stack stack;
  if (!start_stack(stack, home)) {
    std::fprintf(stderr, "could not start the stack\n");
    return 1;
  }
  // Users: `users` with an authenticator, `clients` without.
  const auto totp_users = make_users(home, "bench-totp-", users);
  const auto plain_users = make_users(home, "bench-plain-", clients);
  if (totp_users.empty() || plain_users.empty()) return 1;
  std::printf("# bench/signin: enrolling %d users…\n", users);
  std::fflush(stdout);
  const auto keys = enrol(stack, totp_users);
  if (!all_enrolled(keys)) {
    std::fprintf(stderr, "enrolments failed\n");
    return 1;
  }
  // From here on Jellyfin answers after latency_ms.
  if (!home.control("POST", "/__standin/latency",
                    R"({"GlobalMs":)" + std::to_string(latency_ms) + "}")
           .ok())
    return 1;
  std::printf("# %d clients, stand-in latency %d ms, %d users with TOTP (2 sign-ins each)\n",
              clients, latency_ms, users);
  std::fflush(stdout);  // a profiler attached now sees only the measured phases

  // The ceiling: the stand-in's own AuthenticateByName at the same concurrency.
  const int direct_jobs = std::max(1000, 4 * users);
  const Measured direct =
      measure(stack, home, [&] { return direct_phase(home, plain_users, clients, direct_jobs); });
  // Password only (users without a second factor).
  const Measured password = measure(stack, home, [&] {
    return run_phase(clients, direct_jobs, [&](HttpClient& http, int i) {
      auto in = http.post_json(stack.api("/api/v1/auth/login"),
                               credentials(plain_users[static_cast<size_t>(i % clients)]));
      return !body_field(in, "session", "token").empty();
    });
  });
  const Measured totp =
      measure(stack, home, [&] { return totp_phase(stack, totp_users, keys, clients); });
  report("standin_direct", direct);
  report("password", password);
  report("totp", totp);
  auto rate = [](const Measured& a, const Measured& b) {
    return b.phase.per_s > 0 ? a.phase.per_s / b.phase.per_s : 0;
  };
  std::printf("totp_vs_password=%.2f\n", rate(totp, password));
  std::printf("password_vs_standin=%.2f\n", rate(password, direct));
  std::printf("standin_bound_per_s=%.0f\n", 1000.0 * clients / std::max(1, latency_ms));
  std::printf("suite_cpu_vs_standin.password=%.2f\nsuite_cpu_vs_standin.totp=%.2f\n",
              suite_vs_standin(password.work, direct.work),
              suite_vs_standin(totp.work, direct.work));

  // The same with Jellyfin's own password hashing (PBKDF2-SHA512, 210,000
  // iterations, as a real server does): then Jellyfin's work dominates, and the
  // suite, TOTP on, must sign people in at the rate the server itself allows.
  bool real_ok = true;
  if (real_users > 0) {
    Standin real({"--demo", "--pbkdf2-iterations", "210000"});
    Stack real_stack;
    if (!start_stack(real_stack, real)) {
      std::fprintf(stderr, "could not start the second stack\n");
      return 1;
    }
    const auto real_totp = make_users(real, "bench-real-", real_users);
    if (real_totp.empty()) return 1;
    std::printf("# real hashing: enrolling %d users…\n", real_users);
    std::fflush(stdout);
    const auto real_keys = enrol(real_stack, real_totp);
    if (!all_enrolled(real_keys) ||
        !real.control("POST", "/__standin/latency",
                      R"({"GlobalMs":)" + std::to_string(latency_ms) + "}")
             .ok()) {
      std::fprintf(stderr, "enrolments failed (real hashing)\n");
      return 1;
    }
    const Measured real_direct = measure(
        real_stack, real, [&] { return direct_phase(real, real_totp, clients, 2 * real_users); });
    const Measured real_signin = measure(
        real_stack, real, [&] { return totp_phase(real_stack, real_totp, real_keys, clients); });
    report("real_hashing.standin_direct", real_direct);
    report("real_hashing.totp", real_signin);
    std::printf("real_hashing.totp_vs_standin=%.2f\n", rate(real_signin, real_direct));
    std::printf("real_hashing.suite_cpu_vs_standin.totp=%.3f\n",
                suite_vs_standin(real_signin.work, real_direct.work));
    real_ok = real_signin.phase.failed == 0 && real_direct.phase.failed == 0;
  }
  return totp.phase.failed == 0 && password.phase.failed == 0 && real_ok ? 0 : 1;
}
