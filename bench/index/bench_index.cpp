// bench/index — building the provider-id index of a 100,000-item connection
// on the Jellyfin stand-in with 2 ms latency per request: build time, Jellyfin
// requests (target: pages + a small constant, no per-item requests), Redis
// memory per indexed item (target ≤ 150 bytes) and batch lookups per second.
// First, the peak RSS (VmHWM) of a full build of a 5,000- and a 50,000-item
// library (target ≤ 128 MB and flat: ratio close to 1). The builder runs in
// this process (the library-service code, not its binary), so the figure is
// this process's peak, reset (clear_refs) before each build.
//
//   build/bench/index/bench_index [--movies N] [--series N] [--latency-ms MS]
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "common/core/memory_trim.h"
#include "common/core/time.h"
#include "common/jellyfin/canonical.h"
#include "common/jellyfin/client.h"
#include "common/net/http_client.h"
#include "library-service/index_builder.h"
#include "library-service/index_store.h"
#include "tests/support/peak_rss.h"
#include "tests/support/redis_server.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::library;
using namespace jb::testing;

namespace {
int64_t used_memory(RedisConnection& c) {
  auto r = c.command({"INFO", "memory"});
  if (!r.ok()) return -1;
  auto p = r->str.find("used_memory:");
  return p == std::string::npos ? -1 : std::atoll(r->str.c_str() + p + 12);
}
// A full build of a generated library; returns the peak RSS (KiB) of this
// process during it, or -1.
int64_t build_peak_rss_kib(const std::string& gen, int latency, int64_t& items) {
  Standin jf({"--demo", "--generate", gen, "--latency-ms", std::to_string(latency)});
  RedisServer redis;
  if (!jf.ok() || !redis.ok()) return -1;
  HttpClient http;
  jf::ClientIdentity id;
  id.device_id = "bench-index-rss";
  auto token = jf.login("demo", "demo-password", "bench-index-rss");
  if (!token.ok()) return -1;
  jf::Client client(http, jf.url(), id, *token);
  auto me = client.me();
  if (!me.ok()) return -1;
  auto views = client.user_views(me->id);
  if (!views.ok()) return -1;
  std::vector<std::string> libs;
  for (const auto& l : *views) libs.push_back(l.id);
  RedisPool pool(*parse_redis_url(redis.url()), 4);
  IndexStore store(pool);
  BuildOptions bo;
  bo.page_size = 1000;
  IndexBuilder builder(store, bo);
  JellyfinItemSource src(client, me->id);
  mem::release_free_memory();
  if (!reset_peak_rss(getpid())) return -1;
  auto st = builder.full(std::string(32, 'c'), src, libs, [] { return Status::Ok(); });
  if (!st.ok()) return -1;
  items = st->items;
  std::printf("index.rss_build items=%lld peak_items_held=%lld\n",
              static_cast<long long>(st->items), static_cast<long long>(st->peak_items_held));
  auto peak = peak_rss_kib(getpid());
  mem::release_free_memory();
  return peak ? *peak : -1;
}

}  // namespace

int main(int argc, char** argv) {
  int movies = 40000, series = 1000, latency = 2;
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--movies")) movies = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--series")) series = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--latency-ms")) latency = std::atoi(argv[++i]);
  }
  // 1000 series × 4 seasons × 15 episodes = 60,000 episodes; + 40,000 films + the series.
  std::string gen = "movies=" + std::to_string(movies) + ",series=" + std::to_string(series) +
                    ",seasons=4,episodes=15,seed=5,variant=a";
  // Peak RSS, flat in library size: ~5,000 then ~50,000 items.
  int64_t small_items = 0, large_items = 0;
  int64_t small_kib = build_peak_rss_kib(
      "movies=2000,series=50,seasons=4,episodes=15,seed=7,variant=a", latency, small_items);
  int64_t large_kib = build_peak_rss_kib(
      "movies=20000,series=500,seasons=4,episodes=15,seed=7,variant=a", latency, large_items);
  if (small_kib < 0 || large_kib < 0) {
    std::fprintf(stderr, "could not measure the peak RSS of a build\n");
    return 1;
  }
  std::printf(
      "index.peak_rss_mb (bench process running the library-service builder, VmHWM reset before "
      "each build): %lld items %.1f MB, %lld items %.1f MB (target <= 128 MB)\n",
      static_cast<long long>(small_items), static_cast<double>(small_kib) / 1024.0,
      static_cast<long long>(large_items), static_cast<double>(large_kib) / 1024.0);
  std::printf("index.peak_rss_ratio_50k_over_5k=%.2f (target close to 1)\n",
              static_cast<double>(large_kib) / static_cast<double>(small_kib));

  int64_t t0 = timeutil::monotonic_ms();
  Standin jf({"--demo", "--generate", gen, "--latency-ms", std::to_string(latency)});
  RedisServer redis;
  if (!jf.ok() || !redis.ok()) {
    std::fprintf(stderr, "could not start the stand-in or redis-server\n");
    return 1;
  }
  std::printf("# bench/index: stand-in %s, %d ms latency per request (started in %lld ms)\n",
              gen.c_str(), latency, static_cast<long long>(timeutil::monotonic_ms() - t0));

  HttpClient http;
  jf::ClientIdentity id;
  id.device_id = "bench-index";
  auto token = jf.login("demo", "demo-password", "bench-index");
  if (!token.ok()) return 1;
  jf::Client client(http, jf.url(), id, *token);
  auto me = client.me();
  auto views = client.user_views(me->id);
  if (!views.ok()) return 1;
  std::vector<std::string> libs;
  for (const auto& l : *views) libs.push_back(l.id);

  RedisPool pool(*parse_redis_url(redis.url()), 4);
  RedisConnection probe(*parse_redis_url(redis.url()));
  IndexStore store(pool);
  BuildOptions bo;
  bo.page_size = 1000;
  IndexBuilder builder(store, bo);
  JellyfinItemSource src(client, me->id);
  const std::string conn = std::string(32, 'b');
  (void)jf.reset_counters();
  int64_t mem0 = used_memory(probe);
  int64_t b0 = timeutil::monotonic_ms();
  auto st = builder.full(conn, src, libs, [] { return Status::Ok(); });
  int64_t build_ms = timeutil::monotonic_ms() - b0;
  if (!st.ok()) {
    std::fprintf(stderr, "build failed: %s\n", st.error().message.c_str());
    return 1;
  }
  int64_t mem1 = used_memory(probe);
  int64_t items_requests = jf.requests("GET /Items");
  int64_t total_requests = jf.total_requests();
  int64_t indexed = st->items;
  // Lower bound: for each library, ceil(series/1000) + ceil((films+episodes)/1000) pages, at least one each.
  int64_t pages = static_cast<int64_t>(libs.size()) * 2 + (st->series + 999) / 1000 +
                  (st->movies + st->episodes + 999) / 1000;

  std::printf(
      "index.items_indexed=%lld (movies %lld, series %lld, episodes %lld, unmatched %lld)\n",
      static_cast<long long>(indexed), static_cast<long long>(st->movies),
      static_cast<long long>(st->series), static_cast<long long>(st->episodes),
      static_cast<long long>(st->unmatched));
  std::printf("index.canonical_keys=%lld (%.2f per item)\n", static_cast<long long>(st->keys),
              static_cast<double>(st->keys) / static_cast<double>(indexed));
  std::printf("index.build_ms=%lld\n", static_cast<long long>(build_ms));
  std::printf(
      "index.jellyfin_requests=%lld (GET /Items: %lld; bound pages+libraries×2 = %lld; per-item "
      "requests: 0)\n",
      static_cast<long long>(total_requests), static_cast<long long>(items_requests),
      static_cast<long long>(pages));
  std::printf("index.redis_bytes_per_item=%.1f (target <= 150; %lld bytes for %lld items)\n",
              static_cast<double>(mem1 - mem0) / static_cast<double>(indexed),
              static_cast<long long>(mem1 - mem0), static_cast<long long>(indexed));

  // Batch lookups: 5,000 keys per call: 2,500 films and 2,500 episodes (the
  // episodes resolve through their series: the two-round path), as the sync
  // workers ask them, plus 10 % that do not exist.
  std::vector<std::string> keys;
  auto films = client.items("userId=" + me->id +
                            "&recursive=true&includeItemTypes=Movie&fields=ProviderIds&limit=2250");
  auto eps = client.items("userId=" + me->id +
                          "&recursive=true&includeItemTypes=Episode&fields=ProviderIds&limit=2250");
  if (!films.ok() || !eps.ok()) return 1;
  std::vector<std::string> series_ids;
  for (const auto& e : eps->items) series_ids.push_back(e.series_id);
  auto skeys = store.series_keys(conn, series_ids);
  if (!skeys.ok()) return 1;
  for (const auto& f : films->items)
    for (const auto& k : canon::keys_for(f, nullptr).keys) {
      keys.push_back(canon::to_text(k));
      break;
    }
  for (const auto& e : eps->items) {
    auto it = skeys->find(e.series_id);
    if (it == skeys->end() || it->second.empty() || !e.season_number || !e.episode_number) continue;
    keys.push_back(it->second[0] + "/s" + std::to_string(*e.season_number) + "e" +
                   std::to_string(*e.episode_number));
  }
  while (keys.size() < 5000)
    keys.push_back("movie:tmdb:" + std::to_string(900000000 + keys.size()));
  int64_t l0 = timeutil::monotonic_ms();
  int calls = 0;
  size_t found = 0;
  while (timeutil::monotonic_ms() - l0 < 3000) {
    auto r = store.lookup(conn, keys);
    if (!r.ok()) return 1;
    found = r->size();
    ++calls;
  }
  double secs = static_cast<double>(timeutil::monotonic_ms() - l0) / 1000.0;
  std::printf("index.lookup_batch_size=%zu (found %zu per batch)\n", keys.size(), found);
  std::printf("index.lookup_batches_per_sec=%.1f\n", calls / secs);
  std::printf("index.lookup_keys_per_sec=%.0f\n",
              static_cast<double>(calls) * static_cast<double>(keys.size()) / secs);
  return 0;
}
