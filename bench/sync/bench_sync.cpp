// bench/sync — the whole sync pipeline on real services: two Jellyfin
// stand-ins with 50,000 items each (films and episodes), 10 % of the user
// data differing, 5 ms latency per request; eight pairs (eight users, two-way,
// every feature) run at once, first with 1 sync-worker, then — from the same
// starting state — with 4. Prints:
//   • wall time of each phase and the speed-up of 4 workers over 1 (target ≥ 3×);
//   • Jellyfin requests against the lower bound (one request per 1000 listed
//     items of every listing, plus one per needed write) (target ≤ 1.1×);
//   • writes made by an immediate rerun (target 0);
//   • each worker's peak RSS (VmHWM) (target ≤ 64 MB), and a 1-worker run on a
//     library ten times smaller, to show the peak does not grow with size.
//
//   build/bench/sync/bench_sync [--movies N] [--series N] [--pairs N] [--latency-ms MS]
#include <signal.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/http_client.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

struct Options {
  int movies = 20000, series = 300, seasons = 5, episodes = 20;  // 20,000 films + 30,000 episodes
  int pairs = 8;
  int latency_ms = 5;
  int differ = 10;
};

std::string gen(const Options& o, char variant) {
  return "movies=" + std::to_string(o.movies) + ",series=" + std::to_string(o.series) +
         ",seasons=" + std::to_string(o.seasons) + ",episodes=" + std::to_string(o.episodes) +
         ",users=" + std::to_string(o.pairs) + ",differ=" + std::to_string(o.differ) +
         ",seed=3,missing=0,junk=0,exclusive=0,dup4k=0,multi=0,variant=" + variant;
}

json::Document parse(const Result<HttpResponse>& r) {
  json::Document d;
  d.SetObject();
  if (r.ok()) {
    auto p = json::parse(r->body);
    if (p.ok()) d = std::move(*p);
  }
  return d;
}

int64_t peak_rss_kb(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6);
  return -1;
}

const char* kWriteRoutes[] = {"POST /UserItems/{itemId}/UserData",
                              "POST /UserFavoriteItems/{itemId}",
                              "DELETE /UserFavoriteItems/{itemId}",
                              "DELETE /UserPlayedItems/{itemId}", "POST /UserPlayedItems/{itemId}"};

struct User {
  std::string name, token, conn_a, conn_b, pair;
};

class Bench {
 public:
  Bench(const Options& o)
      : o_(o),
        a_({"--demo", "--generate", gen(o, 'a'), "--latency-ms", std::to_string(o.latency_ms),
            "--threads", "4"}),
        b_({"--demo", "--generate", gen(o, 'b'), "--latency-ms", std::to_string(o.latency_ms),
            "--threads", "4"}) {}

  bool start() {
    if (!a_.ok() || !b_.ok()) return false;
    if (!stack_.start_library({{"JB_INDEX_CONCURRENCY", "8"}, {"JB_INDEX_TICK_MS", "100"}}))
      return false;
    if (!stack_.start_auth({{"JB_JELLYFIN_URL", a_.url()}, {"JB_RPC_TIMEOUT_MS", "10000"}}))
      return false;
    for (int i = 1; i <= o_.pairs; ++i) {
      User u;
      u.name = i == 1 ? "demo" : "demo" + std::to_string(i);
      auto login =
          http_.post_json(stack_.api("/api/v1/auth/login"),
                          "{\"username\":\"" + u.name + "\",\"password\":\"demo-password\"}");
      auto d = parse(login);
      if (const auto* s = json::member(d, "session")) u.token = json::get_string(*s, "token");
      if (u.token.empty()) return false;
      auto conns = parse(call(u, "GET", "/api/v1/connections"));
      u.conn_a = json::get_string((*json::member(conns, "connections"))[0], "id");
      json::Writer w;
      w.begin_object()
          .kv("method", "password")
          .kv("server_url", b_.url())
          .kv("username", u.name)
          .kv("password", "demo-password")
          .end_object();
      u.conn_b = json::get_string(parse(call(u, "POST", "/api/v1/connections", w.str())), "id");
      if (u.conn_b.empty()) return false;
      users_.push_back(u);
    }
    // Every index built before anything is measured.
    int64_t t0 = timeutil::monotonic_ms();
    for (auto& u : users_)
      for (const auto& c : {u.conn_a, u.conn_b}) {
        (void)call(u, "POST", "/api/v1/connections/" + c + "/index", "{\"full\":true}");
        while (json::get_string(parse(call(u, "GET", "/api/v1/connections/" + c + "/index")),
                                "state") != "ready") {
          if (timeutil::monotonic_ms() - t0 > 600000) return false;
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
      }
    std::printf("# indexes of %zu connections ready in %lld ms\n", users_.size() * 2,
                static_cast<long long>(timeutil::monotonic_ms() - t0));
    return true;
  }

  Result<HttpResponse> call(const User& u, const std::string& method, const std::string& path,
                            const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.url = stack_.api(path);
    r.body = body;
    r.headers = {{"Authorization", "Bearer " + u.token}};
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    return http_.send(r);
  }

  void set_workers(int n) {
    for (auto& w : stack_.workers) {
      w->signal(SIGTERM);
      (void)w->wait(10000);
    }
    stack_.workers.clear();
    for (int i = 0; i < n; ++i)
      stack_.start_worker("bench-w" + std::to_string(i + 1) + "-" + std::to_string(n),
                          {{"JB_SYNC_INDEX_MAX_AGE_MS", "3600000"}, {"JB_WORK_LEASE_MS", "30000"}});
  }

  // One pair per user (no baseline yet).
  void make_pairs() {
    for (auto& u : users_) {
      auto r = call(
          u, "POST", "/api/v1/pairs",
          "{\"source\":\"" + u.conn_a + "\",\"target\":\"" + u.conn_b + "\",\"mode\":\"two-way\"}");
      u.pair = json::get_string(parse(r), "id");
    }
  }

  // The lower bound of requests for listing everything the runs list: one
  // page per 1000 listed items of each (user, side, library, feature), at least one.
  int64_t listing_pages() {
    int64_t pages = 0;
    for (auto& u : users_)
      for (Standin* s : {&a_, &b_}) {
        auto tok = s->login(u.name, "demo-password", "bench-count");
        if (!tok.ok()) continue;
        auto me = parse(s->api("GET", "/Users/Me", *tok, "", "bench-count"));
        std::string uid = json::get_string(me, "Id");
        auto views = parse(s->api("GET", "/UserViews?userId=" + uid, *tok, "", "bench-count"));
        for (const auto& v : (*json::member(views, "Items")).GetArray()) {
          std::string lib = json::get_string(v, "Id");
          for (const auto& [filter, types] :
               {std::pair<const char*, const char*>{"IsFavorite", "Movie,Series,Episode"},
                {"IsPlayed", "Movie,Episode"},
                {"IsResumable", "Movie,Episode"}}) {
            auto r = parse(s->api("GET",
                                  "/Items?userId=" + uid + "&parentId=" + lib +
                                      "&recursive=true&includeItemTypes=" + types +
                                      "&filters=" + filter + "&limit=0",
                                  *tok, "", "bench-count"));
            int64_t n = json::get_int(r, "TotalRecordCount");
            pages += std::max<int64_t>(1, (n + 999) / 1000);
          }
        }
      }
    return pages;
  }

  struct Phase {
    int64_t wall_ms = 0, planned = 0, applied = 0, failed = 0, requests = 0, writes = 0;
    std::vector<int64_t> rss_kb;
    bool ok = true;
  };

  Phase run_all() {
    Phase p;
    for (Standin* s : {&a_, &b_}) (void)s->reset_counters();
    int64_t t0 = timeutil::monotonic_ms();
    std::vector<std::string> runs;
    for (auto& u : users_)
      runs.push_back(
          json::get_string(parse(call(u, "POST", "/api/v1/pairs/" + u.pair + "/runs")), "run_id"));
    for (size_t i = 0; i < users_.size(); ++i) {
      for (;;) {
        auto r = parse(call(users_[i], "GET", "/api/v1/runs/" + runs[i]));
        std::string st = json::get_string(r, "state");
        if (st == "succeeded" || st == "failed" || st == "held") {
          if (st != "succeeded") {
            std::fprintf(stderr, "run %s ended %s: %s\n", runs[i].c_str(), st.c_str(),
                         json::stringify(r).c_str());
            p.ok = false;
          }
          if (const auto* c = json::member(r, "counters"))
            for (auto f = c->MemberBegin(); f != c->MemberEnd(); ++f) {
              p.planned += json::get_int(f->value, "planned");
              p.applied += json::get_int(f->value, "applied");
              p.failed += json::get_int(f->value, "failed");
            }
          break;
        }
        if (timeutil::monotonic_ms() - t0 > 3600000) {
          p.ok = false;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    p.wall_ms = timeutil::monotonic_ms() - t0;
    for (Standin* s : {&a_, &b_}) {
      p.requests += s->total_requests();
      for (const char* route : kWriteRoutes) p.writes += s->requests(route);
    }
    for (auto& w : stack_.workers) p.rss_kb.push_back(peak_rss_kb(w->pid()));
    return p;
  }

 private:
  Options o_;
  Standin a_, b_;
  Stack stack_;
  HttpClient http_;
  std::vector<User> users_;
};

void print_phase(const char* name, const Bench::Phase& p) {
  std::printf(
      "%s.wall_ms=%lld planned=%lld applied=%lld failed=%lld jellyfin_requests=%lld writes=%lld "
      "ok=%d\n",
      name, static_cast<long long>(p.wall_ms), static_cast<long long>(p.planned),
      static_cast<long long>(p.applied), static_cast<long long>(p.failed),
      static_cast<long long>(p.requests), static_cast<long long>(p.writes), p.ok ? 1 : 0);
  int64_t max_kb = 0;
  for (auto kb : p.rss_kb) max_kb = std::max(max_kb, kb);
  std::printf("%s.worker_peak_rss_mb=%.1f (workers=%zu)\n", name,
              static_cast<double>(max_kb) / 1024.0, p.rss_kb.size());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--movies")) o.movies = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--series")) o.series = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--pairs")) o.pairs = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--latency-ms")) o.latency_ms = std::atoi(argv[++i]);
  }
  int64_t items = o.movies + static_cast<int64_t>(o.series) * o.seasons * o.episodes;
  std::printf(
      "# bench/sync: 2 stand-ins x %lld items (%s), %d%% of user data differing, %d ms latency, %d "
      "pairs (two-way, all features)\n",
      static_cast<long long>(items), gen(o, 'a').c_str(), o.differ, o.latency_ms, o.pairs);
  std::fflush(stdout);
  int rc = 0;
  Bench::Phase one, four, rerun;
  int64_t pages = 0;
  // Each phase starts from the same generated state on a fresh stack.
  {
    Bench b(o);
    if (!b.start()) {
      std::fprintf(stderr, "could not start the stack\n");
      return 1;
    }
    b.make_pairs();
    b.set_workers(1);
    one = b.run_all();
    print_phase("workers1", one);
    std::fflush(stdout);
  }
  {
    Bench b(o);
    if (!b.start()) {
      std::fprintf(stderr, "could not start the stack\n");
      return 1;
    }
    b.make_pairs();
    pages = b.listing_pages();
    b.set_workers(4);
    four = b.run_all();
    print_phase("workers4", four);
    rerun = b.run_all();
    print_phase("rerun", rerun);
  }
  int64_t lower = pages + four.planned;
  std::printf("lower_bound_requests=%lld (listing_pages=%lld + needed_writes=%lld)\n",
              static_cast<long long>(lower), static_cast<long long>(pages),
              static_cast<long long>(four.planned));
  double ratio = lower > 0 ? static_cast<double>(four.requests) / static_cast<double>(lower) : 0;
  double speedup =
      four.wall_ms > 0 ? static_cast<double>(one.wall_ms) / static_cast<double>(four.wall_ms) : 0;
  std::printf("requests_vs_lower_bound=%.3f (target <= 1.1)\n", ratio);
  std::printf("speedup_4_over_1=%.2f (target >= 3)\n", speedup);
  std::printf("rerun_writes=%lld rerun_planned=%lld (target 0)\n",
              static_cast<long long>(rerun.writes), static_cast<long long>(rerun.planned));
  std::fflush(stdout);

  // Peak RSS against library size: one pair, one worker, a library ten times smaller.
  Options small = o;
  small.movies = o.movies / 10;
  small.series = std::max(1, o.series / 10);
  small.pairs = 1;
  Bench::Phase tiny;
  {
    Bench b(small);
    if (b.start()) {
      b.make_pairs();
      b.set_workers(1);
      tiny = b.run_all();
      print_phase("small_library", tiny);
    }
  }
  int64_t big_kb = 0, small_kb = 0;
  for (auto kb : one.rss_kb) big_kb = std::max(big_kb, kb);
  for (auto kb : tiny.rss_kb) small_kb = std::max(small_kb, kb);
  std::printf(
      "worker_peak_rss_mb=%.1f (target <= 64) small_library_peak_rss_mb=%.1f\n",
      static_cast<double>(std::max(
          big_kb,
          four.rss_kb.empty() ? 0 : *std::max_element(four.rss_kb.begin(), four.rss_kb.end()))) /
          1024.0,
      static_cast<double>(small_kb) / 1024.0);
  if (!one.ok || !four.ok || !rerun.ok) rc = 1;
  return rc;
}
