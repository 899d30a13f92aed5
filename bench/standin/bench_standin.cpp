// bench/standin — the Jellyfin stand-in under sync-like load: it generates a
// ~200,000-item library (movies + series/seasons/episodes), reports the
// memory that costs (VmRSS before/after), then has several keep-alive
// clients walk /Items in pages of 1000 with fields=ProviderIds and reports
// pages served per second, first without and then with 3 ms of injected
// latency (the sync benchmarks' setting). Prints key=value lines.
//
//   build/bench/standin/bench_standin [--seconds S] [--clients N] [--movies N]
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/core/json.h"
#include "common/net/http_client.h"
#include "tests/standin/generator.h"
#include "tests/standin/standin.h"

using namespace jb;
using namespace jb::standin;

namespace {

double rss_mb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

double now_ms() {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

struct PhaseResult {
  double pages_per_sec = 0, items_per_sec = 0, p50 = 0, p99 = 0, bytes_avg = 0;
  long errors = 0;
};

// `clients` threads walk the library in pages of 1000 for `seconds`.
PhaseResult run_phase(const std::string& base, const std::string& auth, int total, int clients,
                      double seconds) {
  std::atomic<long> pages{0}, items{0}, errors{0}, bytes{0};
  std::vector<std::vector<double>> lat(static_cast<size_t>(clients));
  std::vector<std::thread> ts;
  const double t0 = now_ms();
  const double end = t0 + seconds * 1000;
  const int page_count = (total + 999) / 1000;
  for (int c = 0; c < clients; ++c) {
    ts.emplace_back([&, c] {
      HttpClient http;
      int page = c * page_count / clients;
      while (now_ms() < end) {
        std::string url =
            base +
            "/Items?recursive=true&includeItemTypes=Movie,Series,Episode&fields=ProviderIds" +
            "&startIndex=" + std::to_string(page * 1000) + "&limit=1000";
        double s = now_ms();
        auto r = http.get(url, {{"Authorization", auth}});
        lat[static_cast<size_t>(c)].push_back(now_ms() - s);
        if (!r.ok() || r->status != 200) {
          ++errors;
        } else {
          ++pages;
          bytes += static_cast<long>(r->body.size());
          items += std::min(1000, total - page * 1000);
        }
        page = (page + 1) % page_count;
      }
    });
  }
  for (auto& t : ts) t.join();
  double secs = (now_ms() - t0) / 1000.0;
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  PhaseResult r;
  r.pages_per_sec = static_cast<double>(pages.load()) / secs;
  r.items_per_sec = static_cast<double>(items.load()) / secs;
  r.p50 = pct(all, 0.5);
  r.p99 = pct(all, 0.99);
  r.bytes_avg =
      pages.load() ? static_cast<double>(bytes.load()) / static_cast<double>(pages.load()) : 0;
  r.errors = errors.load();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 8;
  int clients = 8;
  int movies = 100000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds"))
      seconds = std::stod(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--clients"))
      clients = std::stoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--movies"))
      movies = std::stoi(argv[i + 1]);
  }

  malloc_trim(0);
  const double rss_before = rss_mb();
  StandinOptions o;
  o.port = 0;
  // 100,000 movies (+5% 4K copies) + 1,000 series × 5 seasons × 19 episodes
  // (3% two-episode files) ≈ 200,000 items.
  o.generate =
      *parse_generator_options("movies=" + std::to_string(movies) +
                               ",series=1000,seasons=5,episodes=19,seed=1,variant=a,exclusive=0");
  o.app.pbkdf2_iterations = 1000;
  const double s0 = now_ms();
  auto standin = Standin::create(o);
  if (!standin) {
    std::fprintf(stderr, "bench_standin: %s\n", standin.error().message.c_str());
    return 1;
  }
  if (!(*standin)->start().ok()) return 1;
  const double seed_ms = now_ms() - s0;
  malloc_trim(0);  // measure what the library keeps, not freed generator scratch
  const double rss_after = rss_mb();

  int total = 0, library_items = 0;
  (*standin)->app().store.read([&](const State& s) {
    for (const Item& it : s.cat.items)
      if (it.alive && it.kind != ItemKind::kCollectionFolder && it.kind != ItemKind::kFolder) {
        ++library_items;
        if (it.kind != ItemKind::kSeason) ++total;
      }
  });

  // Log in once; every client reuses the token on its own keep-alive connection.
  std::string base = (*standin)->base_url();
  std::string auth =
      "MediaBrowser Client=\"bench\", Device=\"bench\", DeviceId=\"bench-1\", Version=\"1\"";
  HttpClient http;
  auto login =
      http.post_json(base + "/Users/AuthenticateByName",
                     R"({"Username":"admin","Pw":"admin-password"})", {{"Authorization", auth}});
  if (!login.ok() || login->status != 200) {
    std::fprintf(stderr, "bench_standin: login failed\n");
    return 1;
  }
  auto doc = json::parse(login->body);
  auth += ", Token=\"" + json::get_string(*doc, "AccessToken") + "\"";

  PhaseResult fast = run_phase(base, auth, total, clients, seconds);
  (*standin)->app().faults.set_global_latency(3);
  PhaseResult slow = run_phase(base, auth, total, clients, seconds / 2);
  (*standin)->stop();

  std::printf("standin.items_total=%d\n", library_items);
  std::printf("standin.items_paged=%d\n", total);
  std::printf("standin.seed_ms=%.0f\n", seed_ms);
  std::printf("standin.rss_mb_before=%.1f\n", rss_before);
  std::printf("standin.rss_mb_200k=%.1f\n", rss_after - rss_before);
  std::printf("standin.clients=%d\n", clients);
  std::printf("standin.items_pages_per_sec=%.0f\n", fast.pages_per_sec);
  std::printf("standin.items_per_sec=%.0f\n", fast.items_per_sec);
  std::printf("standin.page_p50_ms=%.2f\n", fast.p50);
  std::printf("standin.page_p99_ms=%.2f\n", fast.p99);
  std::printf("standin.page_kb_avg=%.0f\n", fast.bytes_avg / 1024.0);
  std::printf("standin.errors=%ld\n", fast.errors + slow.errors);
  std::printf("standin.latency3ms.clients=%d\n", clients);
  std::printf("standin.latency3ms.items_pages_per_sec=%.0f\n", slow.pages_per_sec);
  std::printf("standin.latency3ms.page_p50_ms=%.2f\n", slow.p50);
  return fast.errors + slow.errors == 0 ? 0 : 1;
}
