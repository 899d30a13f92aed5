// index_builder.cpp — see index_builder.h.
#include "library-service/index_builder.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "common/core/log.h"
#include "common/core/time.h"
#include "common/jellyfin/canonical.h"
#include "library-service/index_version_writer.h"

namespace jb::library {

namespace {

char type_char(const std::string& t) {
  return t == "Movie" ? 'm' : t == "Series" ? 's' : 'e';
}

// Which items of a page were not seen before in this walk (and remembers them).
// Items with an empty id are never asked about.
class Seen {
 public:
  virtual ~Seen() = default;
  virtual Result<std::vector<bool>> fresh(const std::vector<jf::Item>& page) = 0;
};

// Remembers ids in memory (incremental builds: only what changed is walked).
class SeenInMemory : public Seen {
 public:
  Result<std::vector<bool>> fresh(const std::vector<jf::Item>& page) override {
    std::vector<bool> out(page.size(), false);
    for (size_t i = 0; i < page.size(); ++i)
      if (!page[i].id.empty()) out[i] = ids_.insert(page[i].id).second;
    return out;
  }
  bool contains(const std::string& id) const { return ids_.count(id) > 0; }

 private:
  std::unordered_set<std::string> ids_;
};

// Remembers through the version being written (full builds): an item with a
// GUID id was seen when its forward entry is there; the rare others are kept
// in memory.
class SeenInVersion : public Seen {
 public:
  explicit SeenInVersion(VersionWriter& w) : w_(w) {}
  Result<std::vector<bool>> fresh(const std::vector<jf::Item>& page) override {
    std::vector<bool> out(page.size(), false);
    std::unordered_set<std::string> in_page;
    std::vector<std::string> bins;
    std::vector<size_t> asked;
    for (size_t i = 0; i < page.size(); ++i) {
      const std::string& id = page[i].id;
      if (id.empty() || !in_page.insert(id).second) continue;
      std::string bin = id_to_bin(id);
      if (bin.empty()) {
        out[i] = odd_ids_.insert(id).second;
        continue;
      }
      bins.push_back(std::move(bin));
      asked.push_back(i);
    }
    auto have = w_.have_items(bins);
    if (!have.ok()) return have.error();
    for (size_t j = 0; j < asked.size(); ++j) out[asked[j]] = !(*have)[j];
    return out;
  }

 private:
  VersionWriter& w_;
  std::unordered_set<std::string> odd_ids_;  // ids that are not 32 hex (rare)
};

struct Walk {
  ItemSource& src;
  BuildStats& st;
  const std::function<Status()>& renew;
  std::optional<int64_t> first_date;
  // Optional: before a page's items are handed out, and after the last of them.
  std::function<Status(const std::vector<jf::Item>&)> begin_page = nullptr;
  std::function<Status()> end_page = nullptr;
};

// One pass over a query's pages; counts the distinct new items it saw.
Status walk_once(Walk& w, PageQuery q, Seen& seen,
                 const std::function<Status(const jf::Item&)>& on_item, int64_t& total,
                 int64_t& fresh_total, bool repair_pass) {
  int stuck = 0;
  q.start = 0;
  for (;;) {
    auto page = w.src.page(q);
    if (!page.ok()) return page.error();
    if (!w.first_date && page->server_date_us) w.first_date = page->server_date_us;
    total = page->total;
    if (page->items.empty()) break;
    auto is_new = seen.fresh(page->items);
    if (!is_new.ok()) return is_new.error();
    if (w.begin_page)
      if (auto s = w.begin_page(page->items); !s.ok()) return s;
    int fresh = 0;
    for (size_t i = 0; i < page->items.size(); ++i) {
      const auto& item = page->items[i];
      if (item.id.empty()) {
        w.st.bad_item_ids++;
        continue;
      }
      if (!(*is_new)[i]) {
        if (!repair_pass) w.st.duplicates++;
        continue;
      }
      ++fresh;
      ++fresh_total;
      if (auto s = on_item(item); !s.ok()) return s;
    }
    if (w.end_page)
      if (auto s = w.end_page(); !s.ok()) return s;
    int64_t got = static_cast<int64_t>(page->items.size());
    if (got < q.limit && q.start + got < page->total && !repair_pass) w.st.short_pages++;
    q.start += got;
    if (q.start >= page->total) break;
    stuck = fresh == 0 && !repair_pass ? stuck + 1 : 0;
    if (stuck >= 3)
      break;  // the server keeps repeating itself: stop, the count anomaly is recorded
    if (auto s = w.renew(); !s.ok()) return s;
  }
  return Status::Ok();
}

// Pages through a query; calls on_item once per distinct item id. When the
// pages delivered fewer distinct items than the server's count (items shifted
// between pages, short pages), one more pass picks up what was missed.
Status walk(Walk& w, PageQuery q, Seen& seen,
            const std::function<Status(const jf::Item&)>& on_item) {
  int64_t total = 0, fresh = 0;
  if (auto s = walk_once(w, q, seen, on_item, total, fresh, false); !s.ok()) return s;
  if (fresh < total) {
    w.st.repaired_passes++;
    int64_t again_total = 0, again_fresh = 0;
    if (auto s = walk_once(w, q, seen, on_item, again_total, again_fresh, true); !s.ok()) return s;
  }
  return Status::Ok();
}

struct SeriesInfo {
  uint64_t ordinal = 0;
  canon::ProviderIds ids;
};

std::string packed_keys(const std::vector<canon::Key>& keys) {
  std::string v;
  for (const auto& k : keys) v += canon::pack(k);
  return v;
}

std::string series_value(uint64_t ordinal, const canon::ProviderIds& ids) {
  std::string v;
  canon::put_varint(v, ordinal);
  return v + packed_keys(canon::series_keys(ids));
}

std::optional<SeriesInfo> parse_series_value(std::string_view v) {
  SeriesInfo s;
  if (!canon::get_varint(v, s.ordinal)) return std::nullopt;
  while (!v.empty()) {
    auto k = canon::unpack_front(v);
    if (!k) return std::nullopt;
    if (k->provider == 'i')
      s.ids.imdb = k->id;
    else if (k->provider == 'm')
      s.ids.tmdb = k->id;
    else
      s.ids.tvdb = k->id;
  }
  return s;
}

std::string unmatched_entry(const jf::Item& item, const std::string& reason) {
  std::string name = item.name.substr(0, 120);
  for (auto& c : name)
    if (c == '\t' || c == '\n') c = ' ';
  return item.id + "\t" + item.type + "\t" + reason + "\t" + name;
}

void bump(BuildStats& st, char t, int64_t d) {
  (t == 'm' ? st.movies : t == 's' ? st.series : st.episodes) += d;
}

// The forward entry of an item (without its library), and why it is unmatched ("" if matched).
IndexedItem describe(const jf::Item& item, const std::string& bin, const SeriesInfo* series,
                     std::string& reason) {
  IndexedItem it;
  it.id_bin = bin;
  it.type = type_char(item.type);
  if (item.type == "Episode") {
    for (const auto& k : canon::keys_for(item, nullptr).keys)
      it.packed_keys.push_back(canon::pack(k));  // its own ids
    bool numbered = item.season_number && item.episode_number && *item.season_number >= 0 &&
                    *item.episode_number >= 0;
    if (numbered && series && !series->ids.empty()) {
      it.in_series = true;
      it.ordinal = series->ordinal;
      it.season = static_cast<uint64_t>(*item.season_number);
      it.first = static_cast<uint64_t>(*item.episode_number);
      it.last = it.first;
      if (item.episode_end && *item.episode_end > *item.episode_number &&
          *item.episode_end - *item.episode_number <= 50)
        it.last = static_cast<uint64_t>(*item.episode_end);
    }
    if (!it.matched())
      reason = canon::keys_for(item, series ? &series->ids : nullptr).unmatched_reason;
  } else {
    auto keys = canon::keys_for(item, nullptr);
    for (const auto& k : keys.keys) {
      std::string p = canon::pack(k);
      if (std::find(it.packed_keys.begin(), it.packed_keys.end(), p) == it.packed_keys.end())
        it.packed_keys.push_back(p);
    }
    if (!it.matched()) reason = keys.unmatched_reason;
  }
  return it;
}

}  // namespace

Result<BuildStats> IndexBuilder::full(const std::string& conn, ItemSource& src,
                                      const std::vector<std::string>& libs,
                                      const std::function<Status()>& renew) {
  int64_t t0 = timeutil::monotonic_ms();
  uint64_t req0 = src.requests();
  BuildStats st;
  st.kind = "full";
  if (libs.size() > 255)
    return Error(errc::too_many_libraries, "An index covers at most 255 libraries.", 400);
  auto old = store_.meta(conn);
  if (!old.ok()) return old.error();
  // A version a dead builder left half written goes to the garbage collector.
  if (auto s = store_.reclaim_pending(conn, opts_.grace_ms); !s.ok()) return s.error();

  auto version = store_.next_version(conn);
  if (!version.ok()) return version.error();
  // Bucket counts are fixed before the first page: the previous version's
  // (a rebuild usually finds the same library), else small; finish() below
  // corrects a layout that turned out far off.
  VersionLayout layout;
  layout.version = *version;
  if (old->version > 0) {
    layout.buckets_k = std::max(1, old->buckets_k);
    layout.buckets_i = std::max(1, old->buckets_i);
    layout.buckets_e = std::max(1, old->buckets_e);
  }
  if (auto s = store_.mark_pending(conn, layout); !s.ok()) return s.error();
  VersionWriter writer(store_.redis(), conn, layout);
  auto fail = [&](const Error& e) -> Result<BuildStats> {
    const VersionLayout& l = writer.layout();
    log::best_effort(store_.drop_version(conn, l.version, l.buckets_k, l.buckets_i, l.buckets_e),
                     "dropping a partly written index version");
    return e;
  };

  // Series with ids that are not 32 hex cannot be read back from the version (rare).
  std::unordered_map<std::string, SeriesInfo> odd_series;
  // The series of the episodes on the current page.
  std::unordered_map<std::string, SeriesInfo> page_series;
  uint64_t next_ordinal = 0;
  std::map<std::string, int64_t> per_lib;
  SeenInVersion seen(writer);
  Walk w{src, st, renew, std::nullopt};
  w.end_page = [&]() -> Status {
    st.peak_items_held = std::max(st.peak_items_held, writer.items_held());
    return writer.flush();
  };

  auto add = [&](const jf::Item& item, uint8_t lib, const SeriesInfo* sinfo, uint64_t own_ordinal) {
    char t = type_char(item.type);
    bump(st, t, 1);
    per_lib[libs[lib]]++;
    st.items++;
    if (!canon::normalize(item.provider_ids).rejected.empty()) st.malformed_ids++;
    std::string bin = id_to_bin(item.id);
    if (bin.empty()) {
      st.bad_item_ids++;
      st.unmatched++;
      writer.add_unmatched(unmatched_entry(item, "item id is not a 32-hex GUID"));
      return;
    }
    std::string reason;
    IndexedItem it = describe(item, bin, sinfo, reason);
    it.lib = lib;
    it.series_ordinal = own_ordinal;
    if (!it.matched()) {
      st.unmatched++;
      writer.add_unmatched(unmatched_entry(item, reason));
    }
    writer.add_item(it);
  };

  for (size_t li = 0; li < libs.size(); ++li) {
    PageQuery q{libs[li], "Series", 0, opts_.page_size, std::nullopt, false};
    auto s = walk(w, q, seen, [&](const jf::Item& item) {
      SeriesInfo info{next_ordinal++, canon::normalize(item.provider_ids)};
      std::string bin = id_to_bin(item.id);
      if (bin.empty())
        odd_series[item.id] = info;
      else
        writer.add_series(bin, series_value(info.ordinal, info.ids));
      add(item, static_cast<uint8_t>(li), nullptr, info.ordinal);
      return Status::Ok();
    });
    if (!s.ok()) return fail(s.error());
  }
  w.begin_page = [&](const std::vector<jf::Item>& items) -> Status {
    page_series.clear();
    std::vector<std::string> bins;
    std::unordered_set<std::string> asked;
    for (const auto& item : items)
      if (item.type == "Episode" && asked.insert(item.series_id).second) {
        std::string bin = id_to_bin(item.series_id);
        if (!bin.empty()) bins.push_back(std::move(bin));
      }
    auto values = writer.series_values(bins);
    if (!values.ok()) return values.error();
    for (const auto& [bin, value] : *values)
      if (auto info = parse_series_value(value)) page_series[bin_to_id(bin)] = *info;
    return Status::Ok();
  };
  for (size_t li = 0; li < libs.size(); ++li) {
    PageQuery q{libs[li], "Movie,Episode", 0, opts_.page_size, std::nullopt, false};
    auto s = walk(w, q, seen, [&](const jf::Item& item) {
      const SeriesInfo* sinfo = nullptr;
      if (item.type == "Episode") {
        auto it = page_series.find(item.series_id);
        if (it != page_series.end()) sinfo = &it->second;
        auto odd = odd_series.find(item.series_id);
        if (!sinfo && odd != odd_series.end()) sinfo = &odd->second;
      }
      add(item, static_cast<uint8_t>(li), sinfo, 0);
      return Status::Ok();
    });
    if (!s.ok()) return fail(s.error());
  }
  std::unordered_map<std::string, SeriesInfo>().swap(page_series);

  if (writer.needs_rebucket()) {
    // The estimate was far off: copy into a version with exact bucket counts.
    // The estimated one is retired first, so a crash while copying leaks nothing.
    IndexMeta estimated;
    estimated.version = writer.layout().version;
    estimated.buckets_k = writer.layout().buckets_k;
    estimated.buckets_i = writer.layout().buckets_i;
    estimated.buckets_e = writer.layout().buckets_e;
    auto to_version = store_.next_version(conn);
    if (!to_version.ok()) return fail(to_version.error());
    VersionLayout exact = writer.exact_layout();
    exact.version = *to_version;
    if (auto s = store_.retire_version(conn, estimated, opts_.grace_ms); !s.ok())
      return fail(s.error());
    if (auto s = store_.mark_pending(conn, exact); !s.ok()) return fail(s.error());
    if (auto s = writer.rebucket(exact); !s.ok()) {
      log::best_effort(store_.drop_version(conn, exact.version, exact.buckets_k, exact.buckets_i,
                                           exact.buckets_e),
                       "dropping a partly copied index version");
      return fail(s.error());
    }
  }
  const VersionLayout& l = writer.layout();

  IndexMeta m;
  m.state = "ready";
  m.version = l.version;
  m.buckets_k = l.buckets_k;
  m.buckets_i = l.buckets_i;
  m.buckets_e = l.buckets_e;
  m.next_ordinal = static_cast<int64_t>(next_ordinal);
  m.libraries = libs;
  m.library_items = per_lib;
  m.movies = st.movies;
  m.series = st.series;
  m.episodes = st.episodes;
  m.unmatched = st.unmatched;
  m.last_build_ms = timeutil::now_unix_ms();
  st.duration_ms = timeutil::monotonic_ms() - t0;
  m.last_duration_ms = st.duration_ms;
  m.last_full_ms = m.last_build_ms;
  m.watermark_us =
      (w.first_date ? *w.first_date : timeutil::now_unix_us()) - opts_.watermark_margin_us;
  st.requests = src.requests() - req0;
  m.requests = static_cast<int64_t>(st.requests);
  m.last_kind = "full";
  // The switch: one HSET of the meta hash makes the new version current and
  // clears the pending mark.
  auto fields = meta_fields(m);
  fields["pending_version"] = "";
  if (auto s = store_.put_meta(conn, fields); !s.ok()) {
    log::best_effort(store_.drop_version(conn, l.version, l.buckets_k, l.buckets_i, l.buckets_e),
                     "dropping an index version that could not be switched to");
    return s.error();
  }
  if (old->version > 0)
    log::best_effort(store_.retire_version(conn, *old, opts_.grace_ms),
                     "retiring the previous index version");
  st.version = l.version;
  st.added = st.items;
  st.keys = writer.key_fields() + writer.episode_fields();
  return st;
}

Result<BuildStats> IndexBuilder::incremental(const std::string& conn, ItemSource& src,
                                             const std::vector<std::string>& libs,
                                             const std::function<Status()>& renew) {
  auto m = store_.meta(conn);
  if (!m.ok()) return m.error();
  if (m->version == 0 || m->libraries != libs) return full(conn, src, libs, renew);
  int64_t t0 = timeutil::monotonic_ms();
  uint64_t req0 = src.requests();
  BuildStats st;
  st.kind = "incremental";
  st.movies = m->movies;
  st.series = m->series;
  st.episodes = m->episodes;
  st.unmatched = m->unmatched;
  Walk w{src, st, renew, std::nullopt};
  SeenInMemory seen;
  std::map<std::string, int64_t> per_lib = m->library_items;
  std::unordered_map<std::string, std::optional<SeriesInfo>> series_cache;
  bool need_full = false;

  auto series_of = [&](const std::string& series_id) -> Result<std::optional<SeriesInfo>> {
    auto it = series_cache.find(series_id);
    if (it != series_cache.end()) return it->second;
    std::string bin = id_to_bin(series_id);
    std::optional<SeriesInfo> info;
    if (!bin.empty()) {
      auto v = store_.get_series(conn, *m, bin);
      if (!v.ok()) return v.error();
      if (*v) info = parse_series_value(**v);
    }
    series_cache[series_id] = info;
    return info;
  };

  auto apply = [&](const jf::Item& item, uint8_t lib, const SeriesInfo* sinfo,
                   uint64_t own_ordinal) -> Status {
    std::string bin = id_to_bin(item.id);
    if (bin.empty()) {
      st.bad_item_ids++;
      return Status::Ok();
    }
    std::string reason;
    IndexedItem it = describe(item, bin, sinfo, reason);
    it.lib = lib;
    it.series_ordinal = own_ordinal;
    auto old = store_.get_item(conn, *m, bin);
    if (!old.ok()) return old.error();
    if (*old) {
      st.changed++;
      if (!(*old)->matched() && it.matched()) st.unmatched--;
      if ((*old)->matched() && !it.matched()) st.unmatched++;
    } else {
      st.added++;
      bump(st, it.type, 1);
      per_lib[libs[lib]]++;
      if (!it.matched()) st.unmatched++;
    }
    return store_.upsert_item(conn, *m, *old, it);
  };

  for (size_t li = 0; li < libs.size() && !need_full; ++li) {
    PageQuery q{libs[li], "Series", 0, opts_.page_size, m->watermark_us, false};
    auto s = walk(w, q, seen, [&](const jf::Item& item) -> Status {
      auto ids = canon::normalize(item.provider_ids);
      auto known = series_of(item.id);
      if (!known.ok()) return known.error();
      uint64_t ordinal;
      if (*known) {
        if (packed_keys(canon::series_keys((*known)->ids)) !=
            packed_keys(canon::series_keys(ids))) {
          need_full = true;  // every episode's keys depend on these ids
          return Status::Ok();
        }
        ordinal = (*known)->ordinal;
      } else {
        auto o = store_.next_ordinal(conn);
        if (!o.ok()) return o.error();
        ordinal = static_cast<uint64_t>(*o);
      }
      SeriesInfo info{ordinal, ids};
      series_cache[item.id] = info;
      if (auto p = store_.put_series(conn, *m, id_to_bin(item.id), series_value(ordinal, ids));
          !p.ok())
        return p;
      return apply(item, static_cast<uint8_t>(li), nullptr, ordinal);
    });
    if (!s.ok()) return s.error();
  }
  if (need_full) return full(conn, src, libs, renew);

  for (size_t li = 0; li < libs.size(); ++li) {
    PageQuery q{libs[li], "Movie,Episode", 0, opts_.page_size, m->watermark_us, false};
    auto s = walk(w, q, seen, [&](const jf::Item& item) -> Status {
      std::optional<SeriesInfo> sinfo;
      if (item.type == "Episode" && !item.series_id.empty()) {
        auto si = series_of(item.series_id);
        if (!si.ok()) return si.error();
        sinfo = *si;
      }
      return apply(item, static_cast<uint8_t>(li), sinfo ? &*sinfo : nullptr, 0);
    });
    if (!s.ok()) return s.error();
  }

  // Removals: only when a library's count disagrees with the index.
  std::optional<std::vector<IndexedItem>> all;
  for (size_t li = 0; li < libs.size(); ++li) {
    auto count = src.page(PageQuery{libs[li], "Movie,Series,Episode", 0, 1, std::nullopt, true});
    if (!count.ok()) return count.error();
    if (count->total == per_lib[libs[li]]) continue;
    SeenInMemory present;
    PageQuery q{libs[li], "Movie,Series,Episode", 0, opts_.page_size, std::nullopt, true};
    auto s = walk(w, q, present, [](const jf::Item&) { return Status::Ok(); });
    if (!s.ok()) return s.error();
    if (!all) {
      auto a = store_.all_items(conn, *m);
      if (!a.ok()) return a.error();
      all = std::move(*a);
    }
    for (const auto& it : *all) {
      if (it.lib != li || present.contains(bin_to_id(it.id_bin))) continue;
      if (auto r = store_.remove_item(conn, *m, it); !r.ok()) return r.error();
      st.removed++;
      bump(st, it.type, -1);
      if (!it.matched()) st.unmatched--;
      per_lib[libs[li]]--;
    }
  }

  st.items = st.movies + st.series + st.episodes;
  st.duration_ms = timeutil::monotonic_ms() - t0;
  st.requests = src.requests() - req0;
  st.version = m->version;
  auto fresh = store_.meta(conn);  // next_ordinal may have moved
  IndexMeta n = fresh.ok() ? *fresh : *m;
  n.state = "ready";
  n.movies = std::max<int64_t>(0, st.movies);
  n.series = std::max<int64_t>(0, st.series);
  n.episodes = std::max<int64_t>(0, st.episodes);
  n.unmatched = std::max<int64_t>(0, st.unmatched);
  n.library_items = per_lib;
  n.last_build_ms = timeutil::now_unix_ms();
  n.last_duration_ms = st.duration_ms;
  n.watermark_us =
      (w.first_date ? *w.first_date : timeutil::now_unix_us()) - opts_.watermark_margin_us;
  n.requests = static_cast<int64_t>(st.requests);
  n.last_kind = "incremental";
  n.last_error.clear();
  if (auto s = store_.put_meta(conn, meta_fields(n)); !s.ok()) return s.error();
  return st;
}

}  // namespace jb::library
