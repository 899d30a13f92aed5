// index_version_writer.cpp — see index_version_writer.h.
#include "library-service/index_version_writer.h"

#include <algorithm>
#include <functional>
#include <map>

#include "common/jellyfin/canonical.h"
#include "common/redis/script.h"

namespace jb::library {

namespace {

constexpr size_t kPipeline = 500;       // commands per round trip
constexpr size_t kScriptFields = 2000;  // fields per append script call
constexpr int kScanCount = 1000;        // fields per HSCAN step while rebucketing

// Appends values to hash fields. KEYS: bucket hashes; ARGV: for each key, the
// number n of its fields, then n (field, value) pairs. Returns the number of
// fields it created.
const RedisScript kAppendFields(R"lua(
local created = 0
local a = 1
for _, key in ipairs(KEYS) do
  local n = tonumber(ARGV[a])
  a = a + 1
  for _ = 1, n do
    local f, v = ARGV[a], ARGV[a + 1]
    a = a + 2
    local cur = redis.call('HGET', key, f)
    if cur then
      redis.call('HSET', key, f, cur .. v)
    else
      redis.call('HSET', key, f, v)
      created = created + 1
    end
  end
end
return created
)lua");

Status check(const Result<std::vector<RedisReply>>& r) {
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_error, "Index write failed: " + x.str, 500);
  return Status::Ok();
}

Status run_all(RedisPool& redis, std::vector<RedisArgv>& cmds) {
  for (size_t i = 0; i < cmds.size(); i += kPipeline) {
    std::vector<RedisArgv> part(
        std::make_move_iterator(cmds.begin() + static_cast<long>(i)),
        std::make_move_iterator(cmds.begin() +
                                static_cast<long>(std::min(cmds.size(), i + kPipeline))));
    if (auto s = check(redis.pipeline(part)); !s.ok()) return s;
  }
  cmds.clear();
  return Status::Ok();
}

// HSET of `pairs`, one command per bucket.
template <class Pairs, class KeyOf>
void hset_grouped(std::vector<RedisArgv>& cmds, const Pairs& pairs, int buckets, KeyOf key_of) {
  std::map<uint32_t, RedisArgv> per;
  for (const auto& [field, value] : pairs) {
    uint32_t b = bucket_of(field, buckets);
    auto& c = per[b];
    if (c.empty()) c = {"HSET", key_of(b)};
    c.push_back(field);
    c.push_back(value);
  }
  for (auto& [b, c] : per) cmds.push_back(std::move(c));
}

// Appends `refs` (field → bytes) to the bucketed hash; returns the fields created.
template <class KeyOf>
Result<int64_t> append_grouped(RedisPool& redis,
                               const std::unordered_map<std::string, std::string>& refs,
                               int buckets, KeyOf key_of) {
  std::map<uint32_t, std::vector<const std::pair<const std::string, std::string>*>> per;
  for (const auto& e : refs) per[bucket_of(e.first, buckets)].push_back(&e);
  int64_t created = 0;
  std::vector<std::string> keys, args;
  size_t fields = 0;
  auto run = [&]() -> Status {
    if (keys.empty()) return Status::Ok();
    auto lease = redis.acquire();
    auto r = kAppendFields.run(*lease, keys, args);
    if (!r.ok()) return r.error();
    if (r->is_error()) return Error(errc::redis_error, "Index write failed: " + r->str, 500);
    created += r->integer;
    keys.clear();
    args.clear();
    fields = 0;
    return Status::Ok();
  };
  for (const auto& [b, entries] : per) {
    keys.push_back(key_of(b));
    args.push_back(std::to_string(entries.size()));
    for (const auto* e : entries) {
      args.push_back(e->first);
      args.push_back(e->second);
    }
    fields += entries.size();
    if (fields >= kScriptFields)
      if (auto s = run(); !s.ok()) return s.error();
  }
  if (auto s = run(); !s.ok()) return s.error();
  return created;
}

void append_ref(std::string& refs, const IndexedItem& it, bool with_ordinal) {
  refs += it.id_bin;
  refs.push_back(static_cast<char>(it.lib));
  if (with_ordinal) canon::put_varint(refs, it.series_ordinal);
}

// Rebuckets one bucketed hash family: every field of every `from` bucket into `to` buckets.
template <class KeyOf>
Status move_family(RedisPool& redis, int from_buckets, int to_buckets, KeyOf from_key,
                   KeyOf to_key) {
  for (int b = 0; b < from_buckets; ++b) {
    std::string src = from_key(static_cast<uint32_t>(b));
    std::string cursor = "0";
    do {
      auto r = redis.command({"HSCAN", src, cursor, "COUNT", std::to_string(kScanCount)});
      if (!r.ok()) return r.error();
      if (r->elements.size() != 2) return Error(errc::redis_error, "Unexpected HSCAN reply.", 500);
      cursor = r->elements[0].str;
      const auto& kv = r->elements[1].elements;
      std::vector<std::pair<std::string, std::string>> pairs;
      for (size_t i = 0; i + 1 < kv.size(); i += 2) pairs.emplace_back(kv[i].str, kv[i + 1].str);
      std::vector<RedisArgv> cmds;
      hset_grouped(cmds, pairs, to_buckets, to_key);
      if (auto s = run_all(redis, cmds); !s.ok()) return s;
    } while (cursor != "0");
    // DEL, not UNLINK: the memory is free when the build reports done.
    auto u = redis.command({"DEL", src});
    if (!u.ok()) return u.error();
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<bool>> VersionWriter::have_items(const std::vector<std::string>& id_bins) {
  std::vector<bool> out(id_bins.size(), false);
  std::map<uint32_t, std::vector<size_t>> per;
  for (size_t i = 0; i < id_bins.size(); ++i)
    per[bucket_of(id_bins[i], layout_.buckets_i)].push_back(i);
  std::vector<RedisArgv> cmds;
  std::vector<const std::vector<size_t>*> order;
  for (const auto& [b, idx] : per) {
    RedisArgv c{"HMGET", index_keys::ibucket(conn_, layout_.version, b)};
    for (size_t i : idx) c.push_back(id_bins[i]);
    cmds.push_back(std::move(c));
    order.push_back(&idx);
  }
  if (cmds.empty()) return out;
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  for (size_t j = 0; j < r->size() && j < order.size(); ++j) {
    const auto& vals = (*r)[j].elements;
    const auto& idx = *order[j];
    for (size_t f = 0; f < idx.size() && f < vals.size(); ++f)
      if (vals[f].is_string()) out[idx[f]] = true;
  }
  return out;
}

Result<std::unordered_map<std::string, std::string>> VersionWriter::series_values(
    const std::vector<std::string>& id_bins) {
  std::unordered_map<std::string, std::string> out;
  if (id_bins.empty()) return out;
  RedisArgv c{"HMGET", index_keys::series(conn_, layout_.version)};
  c.insert(c.end(), id_bins.begin(), id_bins.end());
  auto r = redis_.command(c);
  if (!r.ok()) return r.error();
  for (size_t i = 0; i < id_bins.size() && i < r->elements.size(); ++i)
    if (r->elements[i].is_string()) out[id_bins[i]] = r->elements[i].str;
  return out;
}

void VersionWriter::add_item(const IndexedItem& it) {
  ++held_;
  ++forward_;
  forward_buf_.emplace_back(it.id_bin, encode_forward(it));
  for (const auto& k : it.packed_keys) append_ref(key_buf_[k], it, it.type == 's');
  if (it.in_series)
    for (uint64_t e = it.first; e <= it.last; ++e)
      append_ref(episode_buf_[episode_field(it.ordinal, it.season, e)], it, false);
}

void VersionWriter::add_series(const std::string& id_bin, const std::string& value) {
  series_buf_.emplace_back(id_bin, value);
}

void VersionWriter::add_unmatched(std::string line) {
  if (unmatched_ + unmatched_buf_.size() < kMaxUnmatched) unmatched_buf_.push_back(std::move(line));
}

Status VersionWriter::flush() {
  const std::string& c = conn_;
  const int64_t v = layout_.version;
  std::vector<RedisArgv> cmds;
  hset_grouped(cmds, forward_buf_, layout_.buckets_i,
               [&](uint32_t b) { return index_keys::ibucket(c, v, b); });
  if (!series_buf_.empty()) {
    RedisArgv s{"HSET", index_keys::series(c, v)};
    for (auto& [id, value] : series_buf_) {
      s.push_back(id);
      s.push_back(value);
    }
    cmds.push_back(std::move(s));
  }
  if (!unmatched_buf_.empty()) {
    RedisArgv u{"RPUSH", index_keys::unmatched(c, v)};
    u.insert(u.end(), unmatched_buf_.begin(), unmatched_buf_.end());
    cmds.push_back(std::move(u));
  }
  if (auto s = run_all(redis_, cmds); !s.ok()) return s;
  auto k = append_grouped(redis_, key_buf_, layout_.buckets_k,
                          [&](uint32_t b) { return index_keys::kbucket(c, v, b); });
  if (!k.ok()) return k.error();
  auto e = append_grouped(redis_, episode_buf_, layout_.buckets_e,
                          [&](uint32_t b) { return index_keys::ebucket(c, v, b); });
  if (!e.ok()) return e.error();
  key_fields_ += *k;
  episode_fields_ += *e;
  unmatched_ += unmatched_buf_.size();
  // Give the page's memory back, not only its contents.
  std::vector<std::pair<std::string, std::string>>().swap(forward_buf_);
  std::unordered_map<std::string, std::string>().swap(key_buf_);
  std::unordered_map<std::string, std::string>().swap(episode_buf_);
  std::vector<std::pair<std::string, std::string>>().swap(series_buf_);
  std::vector<std::string>().swap(unmatched_buf_);
  held_ = 0;
  return Status::Ok();
}

VersionLayout VersionWriter::exact_layout() const {
  VersionLayout l = layout_;
  l.buckets_k = buckets_for(static_cast<size_t>(key_fields_));
  l.buckets_i = buckets_for(static_cast<size_t>(forward_));
  l.buckets_e = buckets_for(static_cast<size_t>(episode_fields_));
  return l;
}

bool VersionWriter::needs_rebucket() const {
  // Within a factor of 1.5 (fuller) or 2 (emptier) of the exact count, a
  // bucket stays well inside listpack encoding and costs little: keep it.
  VersionLayout x = exact_layout();
  auto off = [](int have, int exact) { return have * 3 < exact * 2 || have > exact * 2; };
  return off(layout_.buckets_k, x.buckets_k) || off(layout_.buckets_i, x.buckets_i) ||
         off(layout_.buckets_e, x.buckets_e);
}

Status VersionWriter::rebucket(const VersionLayout& to) {
  const std::string& c = conn_;
  const int64_t from = layout_.version;
  using KeyFn = std::function<std::string(uint32_t)>;
  auto family = [&](int from_b, int to_b,
                    std::string (*key)(const std::string&, int64_t, uint32_t)) {
    return move_family(redis_, from_b, to_b,
                       KeyFn([&, key](uint32_t b) { return key(c, from, b); }),
                       KeyFn([&, key](uint32_t b) { return key(c, to.version, b); }));
  };
  if (auto s = family(layout_.buckets_k, to.buckets_k, &index_keys::kbucket); !s.ok()) return s;
  if (auto s = family(layout_.buckets_i, to.buckets_i, &index_keys::ibucket); !s.ok()) return s;
  if (auto s = family(layout_.buckets_e, to.buckets_e, &index_keys::ebucket); !s.ok()) return s;
  for (auto key : {&index_keys::series, &index_keys::unmatched}) {
    auto r = redis_.command({"EXISTS", key(c, from)});
    if (!r.ok()) return r.error();
    if (r->integer == 0) continue;
    auto m = redis_.command({"RENAME", key(c, from), key(c, to.version)});
    if (!m.ok()) return m.error();
    if (m->is_error()) return Error(errc::redis_error, "Index rename failed: " + m->str, 500);
  }
  layout_ = to;
  return Status::Ok();
}

}  // namespace jb::library
