// bench/sync — the whole sync pipeline on real services: two Jellyfin
// stand-ins with 50,000 items each (films and episodes), 10 % of the user
// data differing, 5 ms latency per request; eight pairs (eight users, two-way,
// every feature) run at once, first with 1 sync-worker, then — from the same
// starting state, on a fresh stack — with 4. Every service gets
// JB_SERVER_CONCURRENCY (--server-concurrency, default 8). Prints, one figure
// a line, each target as "target … met" / "NOT met", ratios taken inside this run:
//   • the latency bound of the workload: ceil(requests to the busier stand-in
//     in that run ÷ JB_SERVER_CONCURRENCY) × latency — what the servers allow;
//   • wall time with 1 and with 4 workers and each one's ratio to the bound
//     (targets ≤ 2.5× with 1 worker, ≤ 1.5× with 4);
//   • Jellyfin requests against the lower bound (one request per 1000 listed
//     items of every listing, plus one per needed write) (target ≤ 1.1×);
//   • writes made by an immediate rerun (target 0);
//   • each worker's peak RSS (VmHWM) (target ≤ 64 MB), and library-service's
//     peak RSS over the index builds and the runs (target ≤ 128 MB), the peak
//     reset (clear_refs) before each measured phase; then the same on a library
//     ten times smaller (about 5,000 items, same pairs, 1 worker) and the ratio
//     full ÷ small of the index-build peaks (target: flat, ≤ 1.5×);
//   • a latency sweep (1, 5, 20 ms) with 1 worker on a reduced library
//     (--sweep-scale, default 0.1 of the items): wall, bound and ratio per
//     latency; the point at the main latency and scale 0.1 is the small-library run.
//
//   build/bench/sync/bench_sync [--movies N] [--series N] [--pairs N] [--latency-ms MS]
//       [--server-concurrency N] [--sweep-scale F] [--no-sweep] [--workers4-only]
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/http_client.h"
#include "tests/support/peak_rss.h"
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
  int server_concurrency = 8;
  double sweep_scale = 0.1;
  bool sweep = true;
  bool workers4_only = false;  // only the 4-worker run and its rerun (for profiling)
};

constexpr double kSmallScale = 0.1;  // the "library ten times smaller"

int64_t items_of(const Options& o) {
  return o.movies + static_cast<int64_t>(o.series) * o.seasons * o.episodes;
}

// The same users, pairs and share of differing data on fewer items.
Options scaled(const Options& o, double f, int latency_ms) {
  Options s = o;
  s.movies = std::max(1, static_cast<int>(std::lround(o.movies * f)));
  s.series = std::max(1, static_cast<int>(std::lround(o.series * f)));
  s.latency_ms = latency_ms;
  return s;
}

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

double mb(int64_t kib) {
  return static_cast<double>(kib) / 1024.0;
}

double ratio(double a, double b) {
  return b > 0 ? a / b : 0;
}

// "key=value (target <= limit: met)" — the one format of every target line.
void print_target(const std::string& key, double value, double limit,
                  const std::string& note = "") {
  std::printf("%s=%.2f (target <= %g: %s)%s%s\n", key.c_str(), value, limit,
              value <= limit ? "met" : "NOT met", note.empty() ? "" : " ", note.c_str());
}

const char* kWriteRoutes[] = {"POST /UserItems/{itemId}/UserData",
                              "POST /UserFavoriteItems/{itemId}",
                              "DELETE /UserFavoriteItems/{itemId}",
                              "DELETE /UserPlayedItems/{itemId}", "POST /UserPlayedItems/{itemId}"};

struct User {
  std::string name, token, conn_a, conn_b, pair;
};

// Peak RSS of a process since reset_peak_rss (or since start when the kernel refused).
void reset_peak(pid_t pid) {
  if (!reset_peak_rss(pid))
    std::printf("# reset_peak_rss(%d) refused: the next peak counts from the process start\n",
                static_cast<int>(pid));
}
int64_t peak_kib(pid_t pid) {
  return peak_rss_kib(pid).value_or(-1);
}

class Bench {
 public:
  explicit Bench(const Options& o)
      : o_(o),
        a_({"--demo", "--generate", gen(o, 'a'), "--latency-ms", std::to_string(o.latency_ms),
            "--threads", "4"}),
        b_({"--demo", "--generate", gen(o, 'b'), "--latency-ms", std::to_string(o.latency_ms),
            "--threads", "4"}) {}

  // Peak RSS of library-service over the index builds of every connection.
  int64_t index_build_rss_kib = -1;

  bool start() {
    if (!a_.ok() || !b_.ok()) return false;
    const std::string conc = std::to_string(o_.server_concurrency);
    if (!stack_.start_library({{"JB_INDEX_CONCURRENCY", "8"},
                               {"JB_INDEX_TICK_MS", "100"},
                               {"JB_SERVER_CONCURRENCY", conc}}))
      return false;
    if (!stack_.start_auth({{"JB_JELLYFIN_URL", a_.url()},
                            {"JB_RPC_TIMEOUT_MS", "10000"},
                            {"JB_SERVER_CONCURRENCY", conc}}))
      return false;
    // From here on library-service only works for the connections below.
    reset_peak(stack_.library->pid());
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
      const auto* list = json::member(conns, "connections");
      if (!list || !list->IsArray() || list->Empty()) return false;
      u.conn_a = json::get_string((*list)[0], "id");
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
    index_build_rss_kib = peak_kib(stack_.library->pid());
    std::printf("# indexes of %zu connections x %lld items ready in %lld ms\n", users_.size() * 2,
                static_cast<long long>(items_of(o_)),
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
                          {{"JB_SYNC_INDEX_MAX_AGE_MS", "3600000"},
                           {"JB_WORK_LEASE_MS", "30000"},
                           {"JB_SERVER_CONCURRENCY", std::to_string(o_.server_concurrency)}});
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
        const auto* items = json::member(views, "Items");
        if (!items || !items->IsArray()) continue;
        for (const auto& v : items->GetArray()) {
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
    int64_t wall_ms = 0, planned = 0, applied = 0, failed = 0, writes = 0;
    int64_t requests_a = 0, requests_b = 0;  // Jellyfin requests each stand-in counted
    int64_t bound_ms = 0;                    // the latency bound of this run
    int64_t library_rss_kib = -1;            // library-service's peak during the run
    // Where the runs' time went: seconds from start to scan, scan to diff, diff to
    // apply and apply to finish (the API's phase_started_at), summed and the largest.
    int64_t phase_sum_s[4] = {0, 0, 0, 0}, phase_max_s[4] = {0, 0, 0, 0};
    int64_t timed_runs = 0;
    std::vector<int64_t> rss_kib;  // each worker's peak
    bool ok = true;

    void add_phases(const json::Value& run) {
      const auto* ph = json::member(run, "phase_started_at");
      auto at = [&](const json::Value* o, const char* k) -> int64_t {
        if (!o) return -1;
        auto us = timeutil::parse_iso8601(json::get_string(*o, k));
        return us ? *us / 1000000 : -1;
      };
      const int64_t t[5] = {at(&run, "started_at"), at(ph, "scan"), at(ph, "diff"), at(ph, "apply"),
                            at(&run, "finished_at")};
      for (int64_t v : t)
        if (v < 0) return;  // a run that skipped a phase (nothing to apply) is not timed
      for (int i = 0; i < 4; ++i) {
        phase_sum_s[i] += t[i + 1] - t[i];
        phase_max_s[i] = std::max(phase_max_s[i], t[i + 1] - t[i]);
      }
      timed_runs++;
    }
    int64_t requests() const { return requests_a + requests_b; }
    int64_t busier() const { return std::max(requests_a, requests_b); }
    int64_t worker_peak_kib() const {
      return rss_kib.empty() ? -1 : *std::max_element(rss_kib.begin(), rss_kib.end());
    }
  };

  // Starts every pair's run at once and waits for all of them.
  Phase run_all() {
    Phase p;
    for (Standin* s : {&a_, &b_}) (void)s->reset_counters();
    reset_peak(stack_.library->pid());
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
          p.add_phases(r);
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
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    p.wall_ms = timeutil::monotonic_ms() - t0;
    p.requests_a = a_.total_requests();
    p.requests_b = b_.total_requests();
    for (Standin* s : {&a_, &b_})
      for (const char* route : kWriteRoutes) p.writes += s->requests(route);
    // Each server can have JB_SERVER_CONCURRENCY requests in flight, each taking
    // the latency; the busier one decides.
    const int64_t conc = std::max(1, o_.server_concurrency);
    p.bound_ms = (p.busier() + conc - 1) / conc * o_.latency_ms;
    p.library_rss_kib = peak_kib(stack_.library->pid());
    for (auto& w : stack_.workers) p.rss_kib.push_back(peak_kib(w->pid()));
    return p;
  }

 private:
  Options o_;
  Standin a_, b_;
  Stack stack_;
  HttpClient http_;
  std::vector<User> users_;
};

void print_phase(const std::string& name, const Bench::Phase& p) {
  std::printf("%s.wall_ms=%lld\n", name.c_str(), static_cast<long long>(p.wall_ms));
  std::printf(
      "%s.counts: planned=%lld applied=%lld failed=%lld jellyfin_requests=%lld (a=%lld b=%lld) "
      "writes=%lld ok=%d\n",
      name.c_str(), static_cast<long long>(p.planned), static_cast<long long>(p.applied),
      static_cast<long long>(p.failed), static_cast<long long>(p.requests()),
      static_cast<long long>(p.requests_a), static_cast<long long>(p.requests_b),
      static_cast<long long>(p.writes), p.ok ? 1 : 0);
  if (p.timed_runs > 0) {
    std::printf("%s.phases_s (mean/max over %lld runs, 1 s resolution):", name.c_str(),
                static_cast<long long>(p.timed_runs));
    const char* names[] = {"plan", "scan", "diff", "apply"};
    for (int i = 0; i < 4; ++i)
      std::printf(" %s=%.1f/%lld", names[i],
                  static_cast<double>(p.phase_sum_s[i]) / static_cast<double>(p.timed_runs),
                  static_cast<long long>(p.phase_max_s[i]));
    std::printf("\n");
  }
  std::printf("%s.worker_peak_rss_mb=%.1f (workers=%zu)\n", name.c_str(), mb(p.worker_peak_kib()),
              p.rss_kib.size());
  std::printf("%s.library_service_peak_rss_mb=%.1f (during the runs)\n", name.c_str(),
              mb(p.library_rss_kib));
  std::fflush(stdout);
}

// "bound_ms=… (busier stand-in N requests / C in flight x L ms)".
void print_bound(const std::string& name, const Bench::Phase& p, const Options& o) {
  std::printf(
      "%s.bound_ms=%lld (ceil(%lld requests to the busier stand-in / %d in flight) x %d "
      "ms)\n",
      name.c_str(), static_cast<long long>(p.bound_ms), static_cast<long long>(p.busier()),
      o.server_concurrency, o.latency_ms);
}

// A 1-worker run of `o` on a fresh stack: index builds, then all pairs at once.
struct Reduced {
  bool ok = false;
  int64_t index_rss_kib = -1;
  Bench::Phase run;
};
Reduced run_one_worker(const Options& o) {
  Reduced r;
  Bench b(o);
  if (!b.start()) {
    std::fprintf(stderr, "could not start the stack (%lld items, %d ms)\n",
                 static_cast<long long>(items_of(o)), o.latency_ms);
    return r;
  }
  r.index_rss_kib = b.index_build_rss_kib;
  b.make_pairs();
  b.set_workers(1);
  r.run = b.run_all();
  r.ok = r.run.ok;
  return r;
}

bool parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    auto is = [&](const char* name) { return !std::strcmp(argv[i], name); };
    bool has_value = i + 1 < argc;
    if (is("--no-sweep")) {
      o.sweep = false;
    } else if (is("--workers4-only")) {
      o.workers4_only = true;
    } else if (has_value && is("--movies")) {
      o.movies = std::atoi(argv[++i]);
    } else if (has_value && is("--series")) {
      o.series = std::atoi(argv[++i]);
    } else if (has_value && is("--pairs")) {
      o.pairs = std::atoi(argv[++i]);
    } else if (has_value && is("--latency-ms")) {
      o.latency_ms = std::atoi(argv[++i]);
    } else if (has_value && is("--server-concurrency")) {
      o.server_concurrency = std::atoi(argv[++i]);
    } else if (has_value && is("--sweep-scale")) {
      o.sweep_scale = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: bench_sync [--movies N] [--series N] [--pairs N] [--latency-ms MS] "
                   "[--server-concurrency N] [--sweep-scale F] [--no-sweep] [--workers4-only]\n");
      return false;
    }
  }
  if (o.movies < 1 || o.series < 1 || o.pairs < 1 || o.latency_ms < 0 || o.server_concurrency < 1 ||
      o.server_concurrency > 256 || !(o.sweep_scale > 0) || o.sweep_scale > 1) {
    std::fprintf(stderr, "bench_sync: an option is out of range\n");
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_options(argc, argv, o)) return 2;
  std::printf(
      "# bench/sync: 2 stand-ins x %lld items (%s), %d%% of user data differing, %d ms latency, %d "
      "pairs (two-way, all features), JB_SERVER_CONCURRENCY=%d\n",
      static_cast<long long>(items_of(o)), gen(o, 'a').c_str(), o.differ, o.latency_ms, o.pairs,
      o.server_concurrency);
  std::fflush(stdout);
  int rc = 0;
  Bench::Phase one, four, rerun;
  int64_t pages = 0, index_rss_kib = -1;
  // Each phase starts from the same generated state on a fresh stack.
  if (!o.workers4_only) {
    Bench b(o);
    if (!b.start()) {
      std::fprintf(stderr, "could not start the stack\n");
      return 1;
    }
    index_rss_kib = std::max(index_rss_kib, b.index_build_rss_kib);
    b.make_pairs();
    b.set_workers(1);
    one = b.run_all();
    print_phase("workers1", one);
  }
  {
    Bench b(o);
    if (!b.start()) {
      std::fprintf(stderr, "could not start the stack\n");
      return 1;
    }
    index_rss_kib = std::max(index_rss_kib, b.index_build_rss_kib);
    b.make_pairs();
    pages = b.listing_pages();
    b.set_workers(4);
    four = b.run_all();
    print_phase("workers4", four);
    rerun = b.run_all();
    print_phase("rerun", rerun);
  }
  if (o.workers4_only) {
    print_bound("workers4", four, o);
    print_target("workers4.wall_vs_bound", ratio(four.wall_ms, four.bound_ms), 1.5);
    return four.ok && rerun.ok ? 0 : 1;
  }
  std::printf("library_service_index_build_peak_rss_mb=%.1f (%d connections x %lld items)\n",
              mb(index_rss_kib), 2 * o.pairs, static_cast<long long>(items_of(o)));

  // Wall time against the latency bound, each phase against the bound of its own run.
  print_bound("workers1", one, o);
  print_target("workers1.wall_vs_bound", ratio(one.wall_ms, one.bound_ms), 2.5);
  print_bound("workers4", four, o);
  print_target("workers4.wall_vs_bound", ratio(four.wall_ms, four.bound_ms), 1.5);

  int64_t lower = pages + four.planned;
  std::printf("lower_bound_requests=%lld (listing_pages=%lld + needed_writes=%lld)\n",
              static_cast<long long>(lower), static_cast<long long>(pages),
              static_cast<long long>(four.planned));
  print_target("requests_vs_lower_bound", ratio(four.requests(), lower), 1.1);
  std::printf("rerun_writes=%lld (target 0: %s) (rerun planned %lld)\n",
              static_cast<long long>(rerun.writes), rerun.writes == 0 ? "met" : "NOT met",
              static_cast<long long>(rerun.planned));
  const int64_t worker_kib = std::max(one.worker_peak_kib(), four.worker_peak_kib());
  print_target("worker_peak_rss_mb", mb(worker_kib), 64);
  const int64_t library_kib =
      std::max({index_rss_kib, one.library_rss_kib, four.library_rss_kib, rerun.library_rss_kib});
  print_target("library_service_peak_rss_mb", mb(library_kib), 128, "(index builds and runs)");
  std::fflush(stdout);

  // Peak RSS against library size: the same pairs, one worker, a library ten times smaller.
  const Options small = scaled(o, kSmallScale, o.latency_ms);
  Reduced tiny = run_one_worker(small);
  if (tiny.ok) {
    std::printf("# small library: %lld items per stand-in, %d pairs, 1 worker\n",
                static_cast<long long>(items_of(small)), small.pairs);
    print_phase("small_library", tiny.run);
    std::printf("small_library.library_service_index_build_peak_rss_mb=%.1f\n",
                mb(tiny.index_rss_kib));
    print_target("library_service_index_rss_full_vs_small",
                 ratio(index_rss_kib, tiny.index_rss_kib), 1.5, "(flat in library size)");
    // No target: a worker's peak is bounded (<= 64 MB above), not flat — it holds the
    // listing pages in flight, and a bigger library has more of them at once.
    std::printf("worker_rss_full_vs_small=%.2f (1 worker each; informational)\n",
                ratio(one.worker_peak_kib(), tiny.run.worker_peak_kib()));
  } else {
    rc = 1;
  }
  std::fflush(stdout);

  // Latency sweep: wall time should track the bound at any latency.
  if (o.sweep) {
    const Options base = scaled(o, o.sweep_scale, o.latency_ms);
    std::printf("# latency sweep: 1 worker, %lld items per stand-in (--sweep-scale %g), %d pairs\n",
                static_cast<long long>(items_of(base)), o.sweep_scale, o.pairs);
    std::fflush(stdout);
    for (int latency : {1, 5, 20}) {
      Reduced r;
      const bool reuse =
          tiny.ok && std::abs(o.sweep_scale - kSmallScale) < 1e-9 && latency == o.latency_ms;
      if (reuse)
        r = tiny;  // the small-library run is this very workload
      else
        r = run_one_worker(scaled(o, o.sweep_scale, latency));
      if (!r.ok) rc = 1;
      std::printf(
          "sweep.latency_%dms: wall_ms=%lld bound_ms=%lld wall_vs_bound=%.2f "
          "(1 worker, busier stand-in %lld requests)%s%s\n",
          latency, static_cast<long long>(r.run.wall_ms), static_cast<long long>(r.run.bound_ms),
          ratio(r.run.wall_ms, r.run.bound_ms), static_cast<long long>(r.run.busier()),
          reuse ? " (the small-library run)" : "", r.ok ? "" : " FAILED");
      std::fflush(stdout);
    }
  }
  if (!one.ok || !four.ok || !rerun.ok) rc = 1;
  return rc;
}
