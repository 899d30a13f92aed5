// scan_step.cpp — sync.scan: one listing of one side's user data for one
// feature in one library, matched against the indexes and merged into the
// run's per-side group hash (jb:run:<id>:<feature>:S|T).
//
// The listing asks only for what counts (filters=IsFavorite | IsPlayed |
// IsResumable), so a scan costs one request per 1000 listed items. The first
// page gives the total; the other pages are then read concurrently on the
// worker's fan-out threads (as many at once as the server's budget admits).
// Each page is matched with two batched library-service calls (series keys,
// lookup) and written with one merge script call; memory holds the pages in
// flight. Pages that shift while
// we read (short pages, items moving) are caught by a second pass when fewer
// distinct items arrived than the server counted. Merging is idempotent, so a
// redelivered scan simply writes the same groups again.
#include <algorithm>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_set>

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/text.h"
#include "common/redis/script.h"
#include "sync-worker/match.h"
#include "sync-worker/steps.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

namespace {

// KEYS[1] group hash; ARGV group, entry, group, entry… Merges like
// match.h's merge_entries (any favorite/played, furthest position, latest
// date, union of ids, first name).
const RedisScript kMerge(R"lua(
local function parse(v)
  local t, s = {}, 1
  for i = 1, 8 do
    local e = string.find(v, '|', s, true)
    t[i] = string.sub(v, s, e - 1)
    s = e + 1
  end
  t[9] = string.sub(v, s)
  return t
end
local function maxn(a, b)
  if a == '' then return b end
  if b == '' then return a end
  if tonumber(a) >= tonumber(b) then return a end
  return b
end
local function union(a, b)
  if a == '' then return b end
  if b == '' then return a end
  local seen, out = {}, {}
  for id in string.gmatch(a .. ',' .. b, '[^,]+') do
    if not seen[id] then seen[id] = true; out[#out + 1] = id end
  end
  table.sort(out)
  return table.concat(out, ',')
end
for i = 1, #ARGV, 2 do
  -- A group seen first (almost every group of a listing) is one call.
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 0 then
    local a, b = parse(redis.call('HGET', KEYS[1], ARGV[i])), parse(ARGV[i + 1])
    local m = {}
    for j = 1, 6 do m[j] = maxn(a[j], b[j]) end
    m[7] = union(a[7], b[7])
    m[8] = union(a[8], b[8])
    m[9] = a[9] ~= '' and a[9] or b[9]
    redis.call('HSET', KEYS[1], ARGV[i], table.concat(m, '|'))
  end
end
return #ARGV / 2
)lua");

const char* filter_of(sync::Feature f) {
  return f == sync::Feature::watchlist ? "IsFavorite"
         : f == sync::Feature::history ? "IsPlayed"
                                       : "IsResumable";
}
const char* types_of(sync::Feature f) {
  return f == sync::Feature::watchlist ? "Movie,Series,Episode" : "Movie,Episode";
}

std::set<std::string> lib_set(const std::string& csv) {
  auto v = text::split(csv, ',');
  return {v.begin(), v.end()};
}

struct ScanJob {
  SyncContext& ctx;
  const workq::Item& item;
  const LoadedRun& run;
  sync::Feature feature;
  bool target_side;
  std::string conn, other_conn;
  std::string hash;  // S or T
  bool report_unmatched;
};

// Matches one page and writes its groups and unmatched items.
Status write_page(ScanJob& job, const std::vector<jf::Item>& items) {
  auto& lib = job.ctx.library;
  std::map<std::string, canon::ProviderIds> series_ids;
  auto needed = series_needed(items);
  if (!needed.empty()) {
    auto sk = lib.series_keys(job.conn, needed);
    if (!sk.ok()) return sk.error();
    for (const auto& [id, keys] : *sk) series_ids[id] = series_ids_from_keys(keys);
  }
  auto keys = page_keys(items, series_ids);
  auto wanted = lookup_keys(keys);
  std::map<std::string, std::vector<ItemRef>> other;
  if (!wanted.empty()) {
    auto o = lib.lookup(job.other_conn, wanted);
    if (!o.ok()) return o.error();
    other = std::move(*o);
  }
  GroupInput in;
  in.items = &items;
  in.keys = &keys;
  in.other = &other;
  const std::string& own_side = job.target_side ? "target" : "source";
  const std::string& other_side = job.target_side ? "source" : "target";
  in.other_libraries = lib_set(job.run.get("libs:" + other_side));
  in.other_side_name = other_side;
  PageGroups g = group_page(in);

  std::vector<RedisArgv> cmds;
  if (!g.groups.empty()) {
    std::vector<std::string> args;
    args.reserve(g.groups.size() * 2);
    for (const auto& [group, entry] : g.groups) {
      args.push_back(group);
      args.push_back(sync::encode_entry(entry));
    }
    auto lease = job.ctx.redis.acquire();
    auto r = kMerge.run(*lease, {job.hash}, args);
    if (!r.ok()) return r.error();
  }
  if (job.report_unmatched && !g.unmatched.empty()) {
    RedisArgv argv{"HSET", sync::run_unmatched_key(job.run.get("id"))};
    for (const auto& u : g.unmatched) {
      argv.push_back(std::string(sync::feature_name(job.feature)) + "|" + own_side + "|" +
                     u.item_id);
      argv.push_back(sync::encode_run_item({sync::feature_name(job.feature), "unmatched", own_side,
                                            u.item_id, u.name, u.reason, false, std::nullopt}));
    }
    auto r = job.ctx.redis.command(argv);
    if (!r.ok()) return r.error();
  }
  return Status::Ok();
}

// One side's listing, read page by page on the fan-out threads: each page
// is fetched with a client of its own, its items not seen before are kept
// (under the mutex) and matched and merged at once, so memory holds only the
// pages in flight.
struct Listing {
  ScanJob& job;
  const VaultCredentials& creds;
  const std::string& base;
  const WorkControl& ctl;
  std::mutex mu;  // guards seen, total, fresh_total, ended
  std::unordered_set<std::string> seen;
  int64_t total = 0, fresh_total = 0;
  bool ended = false;  // a page came back empty or short: no later page is asked for

  bool more() {
    std::lock_guard lock(mu);
    return !ended;
  }

  Status page(int64_t start) {
    if (auto s = ctl.check(); !s.ok()) return s;
    auto acc = job.ctx.access.client_for(creds);
    auto got = acc->client.items(base + "&startIndex=" + std::to_string(start));
    if (!got.ok()) return got.error();
    std::vector<jf::Item> fresh;
    {
      std::lock_guard lock(mu);
      total = std::max(total, got->total);
      if (static_cast<int64_t>(got->items.size()) < job.ctx.opts.page_size) ended = true;
      for (auto& it : got->items)
        if (!it.id.empty() && seen.insert(it.id).second) fresh.push_back(std::move(it));
      fresh_total += static_cast<int64_t>(fresh.size());
    }
    if (fresh.empty()) return Status::Ok();
    if (auto s = ctl.check(); !s.ok()) return s;
    return write_page(job, fresh);
  }
  // A page's error as the step returns it (lease_lost and interrupted pass as they are).
  Status fail(const Error& e) {
    return job.ctx.step_error(job.item, job.run.get("id"), job.run.pair.id, e);
  }
};

}  // namespace

Status scan_step(SyncContext& ctx, const workq::Item& item, const WorkControl& ctl) {
  std::string run_id = item.field("run");
  sync::Feature feature;
  std::string side = item.field("side"), library = item.field("library");
  if (!sync::parse_feature(item.field("feature"), feature) ||
      (side != "source" && side != "target") || library.empty())
    return Error(errc::bad_work_item, "sync.scan needs feature, side and library.");
  auto rec = ctx.load(run_id);
  if (!rec.ok()) return Error(errc::retry, rec.error().message);
  // "plan": the planner enqueued this scan and has not yet recorded that it is done planning.
  if (!rec->has_value() || (*rec)->terminal()) return Status::Ok();
  if ((*rec)->get("phase") != "scan" && (*rec)->get("phase") != "plan") return Status::Ok();
  const LoadedRun& run = **rec;
  std::string part = item.field("feature") + ":" + side + ":" + library;

  auto member = ctx.redis.command({"SISMEMBER", sync::run_done_key(run_id, "scan"), part});
  if (!member.ok()) return Error(errc::retry, member.error().message);
  if (member->integer == 0) {
    bool target_side = side == "target";
    ScanJob job{ctx,
                item,
                run,
                feature,
                target_side,
                target_side ? run.pair.target : run.pair.source,
                target_side ? run.pair.source : run.pair.target,
                sync::run_feature_key(run_id, feature, target_side ? 'T' : 'S'),
                !target_side || run.pair.two_way};
    auto access = ctx.access.open(job.conn);
    if (!access.ok()) return ctx.step_error(item, run_id, run.pair.id, access.error());
    const VaultCredentials& creds = (*access)->creds;
    std::string base =
        "userId=" + text::url_encode(creds.user_id) + "&parentId=" + text::url_encode(library) +
        "&recursive=true&includeItemTypes=" + text::url_encode(types_of(feature)) +
        "&filters=" + filter_of(feature) +
        "&fields=ProviderIds&enableImages=false&sortBy=SortName&sortOrder=Ascending&limit=" +
        std::to_string(ctx.opts.page_size);
    Listing listing{job, creds, base, ctl};
    for (int pass = 0; pass < 2; ++pass) {
      listing.fresh_total = 0;
      listing.ended = false;
      // The first page says how many there are; the others are then read at once — until
      // one comes back short, so a server that overstates its total costs a few requests.
      if (auto s = listing.page(0); !s.ok()) return listing.fail(s.error());
      const int64_t size = ctx.opts.page_size;
      size_t later = listing.total > size ? static_cast<size_t>((listing.total - 1) / size) : 0;
      std::mutex mu;
      std::optional<Error> error;
      ctx.fanout.run(
          later,
          [&](size_t i) {
            auto s = listing.page(static_cast<int64_t>(i + 1) * size);
            if (s.ok()) return;
            std::lock_guard lock(mu);
            if (!error) error = s.error();
          },
          [&] {
            {
              std::lock_guard lock(mu);
              if (error) return false;
            }
            return listing.more() && ctl.check().ok();
          },
          // A few pages at once (the budget still admits them): each is held while it is
          // decoded and matched, and listings are a small share of a run's requests.
          static_cast<size_t>(ctx.opts.list_pages_at_once));
      if (error) return listing.fail(*error);
      if (auto s = ctl.check(); !s.ok()) return s;
      // Everything the server counted arrived: done. Otherwise one more pass picks up what shifted.
      if (listing.fresh_total >= listing.total || pass == 1) break;
      log::info("listing shifted while paging; one more pass", {{"run", run_id}, {"part", part}});
    }
  }
  auto left = ctx.finish_part(run_id, "scan", part, item);
  if (!left.ok()) return retry_later(left.error());
  if (*left <= 0) {
    auto q = ctx.store.enqueue({{"type", "sync.diff"}, {"run", run_id}});
    if (!q.ok()) return Error(errc::retry, q.error().message);
  }
  ctx.publish(run_id);
  return Status::Ok();
}

}  // namespace jb::worker
