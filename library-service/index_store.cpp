// index_store.cpp — see index_store.h.
#include "library-service/index_store.h"

#include <algorithm>
#include <cmath>

#include "common/core/log.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/jellyfin/canonical.h"
#include "common/redis/client.h"
#include "common/redis/script.h"
#include "common/redis/token_lock.h"

namespace jb::library {

namespace {

constexpr size_t kBatch = 1000;

std::string lock_key(const std::string& c) {
  return "jb:idx:" + c + ":lock";
}
std::string vprefix(const std::string& c, int64_t v) {
  return "jb:idx:" + c + ":v" + std::to_string(v);
}
using index_keys::ebucket;
using index_keys::ibucket;
using index_keys::kbucket;
std::string series_key(const std::string& c, int64_t v) {
  return index_keys::series(c, v);
}
std::string unmatched_key(const std::string& c, int64_t v) {
  return index_keys::unmatched(c, v);
}
const char* kGc = "jb:idx:gc";

// note_request: a full ask wins over an incremental one; a ready or never-built
// index turns stale. KEYS[1] meta; ARGV[1] "full"|"incremental".
const RedisScript kNoteRequest(R"lua(
if ARGV[1] == 'full' or redis.call('HGET', KEYS[1], 'requested') ~= 'full' then
  redis.call('HSET', KEYS[1], 'requested', ARGV[1])
end
local st = redis.call('HGET', KEYS[1], 'state')
if st == false or st == 'ready' or st == 'none' then redis.call('HSET', KEYS[1], 'state', 'stale') end
return redis.call('HINCRBY', KEYS[1], 'requested_seq', 1)
)lua");

// clear_request: only when no ask came in since the build read `seen`.
const RedisScript kClearRequest(R"lua(
if tonumber(redis.call('HGET', KEYS[1], 'requested_seq') or '0') == tonumber(ARGV[1]) then
  redis.call('HDEL', KEYS[1], 'requested', 'requested_seq')
  return 1
end
return 0
)lua");

Status run_batches(RedisPool& redis, std::vector<RedisArgv>& cmds) {
  for (size_t i = 0; i < cmds.size(); i += kBatch) {
    std::vector<RedisArgv> part(
        cmds.begin() + static_cast<long>(i),
        cmds.begin() + static_cast<long>(std::min(cmds.size(), i + kBatch)));
    auto r = redis.pipeline(part);
    if (!r.ok()) return r.error();
    for (const auto& x : *r)
      if (x.is_error()) return Error(errc::redis_error, "Index write failed: " + x.str, 500);
  }
  cmds.clear();
  return Status::Ok();
}

int64_t to_i(const std::string& s) {
  return std::atoll(s.c_str());
}

// The key/episode-map edits an item contributes: (bucket-hash key, field, is_episode_map, with_ordinal).
struct Slot {
  std::string field;
  bool episode_map;
  bool with_ordinal;
};

std::vector<Slot> slots_of(const IndexedItem& it) {
  std::vector<Slot> out;
  for (const auto& k : it.packed_keys) out.push_back({k, false, is_series_key(k)});
  if (it.in_series)
    for (uint64_t e = it.first; e <= it.last; ++e)
      out.push_back({episode_field(it.ordinal, it.season, e), true, false});
  return out;
}

}  // namespace

namespace index_keys {
std::string kbucket(const std::string& c, int64_t v, uint32_t b) {
  return vprefix(c, v) + ":k:" + std::to_string(b);
}
std::string ebucket(const std::string& c, int64_t v, uint32_t b) {
  return vprefix(c, v) + ":e:" + std::to_string(b);
}
std::string ibucket(const std::string& c, int64_t v, uint32_t b) {
  return vprefix(c, v) + ":i:" + std::to_string(b);
}
std::string series(const std::string& c, int64_t v) {
  return vprefix(c, v) + ":s";
}
std::string unmatched(const std::string& c, int64_t v) {
  return vprefix(c, v) + ":u";
}
}  // namespace index_keys

std::string IndexStore::meta_key(const std::string& conn) {
  return "jb:idx:" + conn + ":meta";
}

// Reads the fields named by the keys of `wanted` from bucketed hashes: one
// HMGET per bucket, pipelined kBatch buckets at a time; calls
// on_value(field, value) for every field that exists.
template <class WantedMap, class BucketKey, class OnValue>
Status hmget_bucketed(RedisPool& redis, const WantedMap& wanted, int buckets, BucketKey bucket_key,
                      OnValue on_value) {
  std::map<uint32_t, std::vector<std::string>> by_bucket;
  for (const auto& entry : wanted)
    by_bucket[bucket_of(entry.first, buckets)].push_back(entry.first);
  std::vector<RedisArgv> cmds;
  std::vector<const std::vector<std::string>*> order;
  for (const auto& [b, fields] : by_bucket) {
    RedisArgv c{"HMGET", bucket_key(b)};
    c.insert(c.end(), fields.begin(), fields.end());
    cmds.push_back(std::move(c));
    order.push_back(&fields);
  }
  for (size_t i = 0; i < cmds.size(); i += kBatch) {
    std::vector<RedisArgv> part(
        cmds.begin() + static_cast<long>(i),
        cmds.begin() + static_cast<long>(std::min(cmds.size(), i + kBatch)));
    auto r = redis.pipeline(part);
    if (!r.ok()) return r.error();
    for (size_t j = 0; j < r->size(); ++j) {
      const auto& fields = *order[i + j];
      const auto& vals = (*r)[j].elements;
      for (size_t f = 0; f < fields.size() && f < vals.size(); ++f)
        if (vals[f].is_string()) on_value(fields[f], vals[f].str);
    }
  }
  return Status::Ok();
}

Result<IndexMeta> IndexStore::meta(const std::string& conn) {
  auto r = redis_.command({"HGETALL", meta_key(conn)});
  if (!r.ok()) return r.error();
  return meta_from_fields(r->as_map());
}

Status IndexStore::put_meta(const std::string& conn,
                            const std::map<std::string, std::string>& fields) {
  auto r = redis_.command(hset_argv(meta_key(conn), fields));
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status IndexStore::note_request(const std::string& conn, bool full) {
  auto lease = redis_.acquire();
  auto r = kNoteRequest.run(*lease, {meta_key(conn)}, {full ? "full" : "incremental"});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<IndexStore::PendingRequest> IndexStore::pending_request(const std::string& conn) {
  auto r = redis_.command({"HMGET", meta_key(conn), "requested", "requested_seq"});
  if (!r.ok()) return r.error();
  PendingRequest p;
  if (r->elements.size() == 2) {
    p.full = r->elements[0].str == "full";
    p.seq = to_i(r->elements[1].str);
  }
  return p;
}

Result<bool> IndexStore::clear_request(const std::string& conn, int64_t seen_seq) {
  auto lease = redis_.acquire();
  auto r = kClearRequest.run(*lease, {meta_key(conn)}, {std::to_string(seen_seq)});
  if (!r.ok()) return r.error();
  return r->integer > 0;
}

Result<bool> IndexStore::lock(const std::string& conn, const std::string& token, int64_t ttl_ms) {
  auto r = redis_.command({"SET", lock_key(conn), token, "NX", "PX", std::to_string(ttl_ms)});
  if (!r.ok()) return r.error();
  return !r->is_nil();
}

Status IndexStore::renew(const std::string& conn, const std::string& token, int64_t ttl_ms) {
  auto lease = redis_.acquire();
  auto r = token_lock::renew(*lease, lock_key(conn), token, ttl_ms);
  if (!r.ok()) return r.error();
  if (!*r) return Error(errc::index_lock_lost, "Another builder took over this index.", 409);
  return Status::Ok();
}

Status IndexStore::unlock(const std::string& conn, const std::string& token) {
  auto lease = redis_.acquire();
  auto r = token_lock::release(*lease, lock_key(conn), token);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<int64_t> IndexStore::next_version(const std::string& conn) {
  auto r = redis_.command({"HINCRBY", meta_key(conn), "version_seq", "1"});
  if (!r.ok()) return r.error();
  return r->integer;
}

Result<int64_t> IndexStore::next_ordinal(const std::string& conn) {
  auto r = redis_.command({"HINCRBY", meta_key(conn), "next_ordinal", "1"});
  if (!r.ok()) return r.error();
  return r->integer - 1;
}

Status IndexStore::mark_pending(const std::string& conn, const VersionLayout& l) {
  auto r = redis_.command({"HSET", meta_key(conn), "pending_version",
                           std::to_string(l.version) + "|" + std::to_string(l.buckets_k) + "|" +
                               std::to_string(l.buckets_i) + "|" + std::to_string(l.buckets_e)});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status IndexStore::reclaim_pending(const std::string& conn, int64_t grace_ms) {
  auto r = redis_.command({"HMGET", meta_key(conn), "pending_version", "version"});
  if (!r.ok()) return r.error();
  if (r->elements.size() != 2 || r->elements[0].str.empty()) return Status::Ok();
  auto parts = text::split(r->elements[0].str, '|');
  if (parts.size() == 4 && to_i(parts[0]) != to_i(r->elements[1].str)) {
    IndexMeta abandoned;
    abandoned.version = to_i(parts[0]);
    abandoned.buckets_k = static_cast<int>(to_i(parts[1]));
    abandoned.buckets_i = static_cast<int>(to_i(parts[2]));
    abandoned.buckets_e = static_cast<int>(to_i(parts[3]));
    if (auto s = retire_version(conn, abandoned, grace_ms); !s.ok()) return s;
  }
  auto d = redis_.command({"HDEL", meta_key(conn), "pending_version"});
  if (!d.ok()) return d.error();
  return Status::Ok();
}

Status IndexStore::drop_version(const std::string& conn, int64_t v, int buckets_k, int buckets_i,
                                int buckets_e) {
  std::vector<RedisArgv> cmds;
  RedisArgv unlink{"UNLINK", series_key(conn, v), unmatched_key(conn, v)};
  auto add = [&](const std::string& k) {
    unlink.push_back(k);
    if (unlink.size() > 500) {
      cmds.push_back(unlink);
      unlink = {"UNLINK"};
    }
  };
  for (int b = 0; b < buckets_k; ++b) add(kbucket(conn, v, static_cast<uint32_t>(b)));
  for (int b = 0; b < buckets_i; ++b) add(ibucket(conn, v, static_cast<uint32_t>(b)));
  for (int b = 0; b < buckets_e; ++b) add(ebucket(conn, v, static_cast<uint32_t>(b)));
  if (unlink.size() > 1) cmds.push_back(unlink);
  return run_batches(redis_, cmds);
}

Status IndexStore::retire_version(const std::string& conn, const IndexMeta& old, int64_t grace_ms) {
  std::string member = conn + "|" + std::to_string(old.version) + "|" +
                       std::to_string(old.buckets_k) + "|" + std::to_string(old.buckets_i) + "|" +
                       std::to_string(old.buckets_e);
  auto r =
      redis_.command({"ZADD", kGc, std::to_string(timeutil::now_unix_ms() + grace_ms), member});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<int> IndexStore::collect_garbage(int64_t now_ms) {
  auto r =
      redis_.command({"ZRANGEBYSCORE", kGc, "-inf", std::to_string(now_ms), "LIMIT", "0", "20"});
  if (!r.ok()) return r.error();
  int n = 0;
  for (const auto& m : r->elements) {
    auto parts = text::split(m.str, '|');
    if (parts.size() == 5) {
      auto s = drop_version(parts[0], to_i(parts[1]), static_cast<int>(to_i(parts[2])),
                            static_cast<int>(to_i(parts[3])), static_cast<int>(to_i(parts[4])));
      if (!s.ok()) return s.error();
    }
    log::best_effort(redis_.command({"ZREM", kGc, m.str}),
                     "removing a collected index version from the list");
    ++n;
  }
  return n;
}

Result<std::map<std::string, std::vector<Ref>>> IndexStore::lookup(
    const std::string& conn, const std::vector<std::string>& text_keys) {
  auto m = meta(conn);
  if (!m.ok()) return m.error();
  std::map<std::string, std::vector<Ref>> out;
  if (m->version == 0 || m->buckets_k == 0) return out;
  auto lib_of = [&](uint8_t lib) {
    return lib < m->libraries.size() ? m->libraries[lib] : std::string();
  };

  // Round 1: plain keys, and the series keys of series-episode keys.
  struct Want {
    std::string text;
    std::optional<canon::Key> episode;  // set for series-episode keys
  };
  std::map<std::string, std::vector<Want>> by_field;  // packed key field → askers
  for (const auto& t : text_keys) {
    auto k = canon::from_text(t);
    if (!k) continue;
    if (k->kind == canon::Kind::series_episode) {
      canon::Key sk{canon::Kind::series, k->provider, k->id};
      by_field[canon::pack(sk)].push_back(Want{t, *k});
    } else {
      by_field[canon::pack(*k)].push_back(Want{t, std::nullopt});
    }
  }
  // (ordinal, season, episode) field → askers
  std::map<std::string, std::vector<std::string>> episode_wants;
  auto keys_read = hmget_bucketed(
      redis_, by_field, m->buckets_k, [&](uint32_t b) { return kbucket(conn, m->version, b); },
      [&](const std::string& field, const std::string& value) {
        auto refs = parse_refs(value, is_series_key(field));
        for (const auto& want : by_field[field]) {
          if (want.episode) {
            for (const auto& ref : refs)
              episode_wants[episode_field(ref.ordinal, static_cast<uint64_t>(want.episode->season),
                                          static_cast<uint64_t>(want.episode->episode))]
                  .push_back(want.text);
          } else {
            auto& dst = out[want.text];
            for (const auto& ref : refs) dst.push_back(Ref{bin_to_id(ref.id_bin), lib_of(ref.lib)});
          }
        }
      });
  if (!keys_read.ok()) return keys_read.error();
  if (episode_wants.empty() || m->buckets_e == 0) return out;
  // Round 2: the episodes.
  auto episodes_read = hmget_bucketed(
      redis_, episode_wants, m->buckets_e, [&](uint32_t b) { return ebucket(conn, m->version, b); },
      [&](const std::string& field, const std::string& value) {
        for (const auto& asker : episode_wants[field]) {
          auto& dst = out[asker];
          for (const auto& ref : parse_refs(value, false)) {
            Ref x{bin_to_id(ref.id_bin), lib_of(ref.lib)};
            if (std::none_of(dst.begin(), dst.end(),
                             [&](const Ref& y) { return y.item_id == x.item_id; }))
              dst.push_back(x);
          }
        }
      });
  if (!episodes_read.ok()) return episodes_read.error();
  return out;
}

namespace {
std::vector<std::string> series_value_keys(std::string_view v) {
  std::vector<std::string> keys;
  uint64_t ordinal;
  if (!canon::get_varint(v, ordinal)) return keys;
  while (!v.empty()) {
    auto k = canon::unpack_front(v);
    if (!k) break;
    keys.push_back(canon::to_text(*k));
  }
  return keys;
}
}  // namespace

Result<std::map<std::string, std::vector<std::string>>> IndexStore::series_keys(
    const std::string& conn, const std::vector<std::string>& series_ids) {
  auto m = meta(conn);
  if (!m.ok()) return m.error();
  std::map<std::string, std::vector<std::string>> out;
  if (m->version == 0 || series_ids.empty()) return out;
  RedisArgv c{"HMGET", series_key(conn, m->version)};
  std::vector<std::string> asked;
  for (const auto& id : series_ids) {
    std::string b = id_to_bin(id);
    if (b.empty()) continue;
    c.push_back(b);
    asked.push_back(id);
  }
  if (asked.empty()) return out;
  auto r = redis_.command(c);
  if (!r.ok()) return r.error();
  for (size_t i = 0; i < asked.size() && i < r->elements.size(); ++i)
    if (r->elements[i].is_string()) out[asked[i]] = series_value_keys(r->elements[i].str);
  return out;
}

Result<std::pair<std::vector<std::pair<std::string, char>>, int>> IndexStore::list(
    const std::string& conn, const std::string& library_id, int cursor, int max_items) {
  auto m = meta(conn);
  if (!m.ok()) return m.error();
  std::vector<std::pair<std::string, char>> items;
  if (m->version == 0) return std::make_pair(items, -1);
  int lib = -1;
  if (!library_id.empty()) {
    auto it = std::find(m->libraries.begin(), m->libraries.end(), library_id);
    if (it == m->libraries.end()) return std::make_pair(items, -1);
    lib = static_cast<int>(it - m->libraries.begin());
  }
  int b = std::max(cursor, 0);
  for (; b < m->buckets_i && static_cast<int>(items.size()) < max_items; ++b) {
    auto r = redis_.command({"HGETALL", ibucket(conn, m->version, static_cast<uint32_t>(b))});
    if (!r.ok()) return r.error();
    for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
      auto it = decode_forward(r->elements[i].str, r->elements[i + 1].str);
      if (it && (lib < 0 || it->lib == lib)) items.emplace_back(bin_to_id(it->id_bin), it->type);
    }
  }
  return std::make_pair(items, b >= m->buckets_i ? -1 : b);
}

Result<std::vector<std::string>> IndexStore::unmatched(const std::string& conn, int64_t start,
                                                       int64_t count) {
  auto m = meta(conn);
  if (!m.ok()) return m.error();
  std::vector<std::string> out;
  if (m->version == 0) return out;
  auto r = redis_.command({"LRANGE", unmatched_key(conn, m->version), std::to_string(start),
                           std::to_string(start + count - 1)});
  if (!r.ok()) return r.error();
  for (const auto& e : r->elements) out.push_back(e.str);
  return out;
}

Result<std::optional<IndexedItem>> IndexStore::get_item(const std::string& conn, const IndexMeta& m,
                                                        const std::string& id_bin) {
  auto r =
      redis_.command({"HGET", ibucket(conn, m.version, bucket_of(id_bin, m.buckets_i)), id_bin});
  if (!r.ok()) return r.error();
  if (!r->is_string()) return std::optional<IndexedItem>{};
  return decode_forward(id_bin, r->str);
}

Status IndexStore::upsert_item(const std::string& conn, const IndexMeta& m,
                               const std::optional<IndexedItem>& old_item,
                               const IndexedItem& item) {
  // Read every field we touch, edit the refs, write back (the lock holder is the only writer).
  std::vector<Slot> slots = old_item ? slots_of(*old_item) : std::vector<Slot>{};
  std::vector<Slot> fresh = slots_of(item);
  for (const auto& f : fresh)
    if (std::none_of(slots.begin(), slots.end(), [&](const Slot& s) {
          return s.field == f.field && s.episode_map == f.episode_map;
        }))
      slots.push_back(f);
  auto bucket_key = [&](const Slot& s) {
    return s.episode_map ? ebucket(conn, m.version, bucket_of(s.field, std::max(1, m.buckets_e)))
                         : kbucket(conn, m.version, bucket_of(s.field, m.buckets_k));
  };
  std::vector<RedisArgv> reads;
  for (const auto& s : slots) reads.push_back({"HGET", bucket_key(s), s.field});
  auto r = redis_.pipeline(reads);
  if (!r.ok()) return r.error();
  std::vector<RedisArgv> writes;
  for (size_t i = 0; i < slots.size(); ++i) {
    const Slot& s = slots[i];
    std::string refs =
        remove_ref((*r)[i].is_string() ? (*r)[i].str : "", item.id_bin, s.with_ordinal);
    bool keep = std::any_of(fresh.begin(), fresh.end(), [&](const Slot& f) {
      return f.field == s.field && f.episode_map == s.episode_map;
    });
    if (keep)
      refs +=
          ref_bytes(item.id_bin, item.lib,
                    s.with_ordinal ? std::optional<uint64_t>(item.series_ordinal) : std::nullopt);
    if (refs.empty())
      writes.push_back({"HDEL", bucket_key(s), s.field});
    else
      writes.push_back({"HSET", bucket_key(s), s.field, refs});
  }
  writes.push_back({"HSET", ibucket(conn, m.version, bucket_of(item.id_bin, m.buckets_i)),
                    item.id_bin, encode_forward(item)});
  return run_batches(redis_, writes);
}

Status IndexStore::remove_item(const std::string& conn, const IndexMeta& m,
                               const IndexedItem& old_item) {
  std::vector<Slot> slots = slots_of(old_item);
  auto bucket_key = [&](const Slot& s) {
    return s.episode_map ? ebucket(conn, m.version, bucket_of(s.field, std::max(1, m.buckets_e)))
                         : kbucket(conn, m.version, bucket_of(s.field, m.buckets_k));
  };
  std::vector<RedisArgv> reads;
  for (const auto& s : slots) reads.push_back({"HGET", bucket_key(s), s.field});
  auto r = redis_.pipeline(reads);
  if (!r.ok()) return r.error();
  std::vector<RedisArgv> writes;
  for (size_t i = 0; i < slots.size(); ++i) {
    std::string refs =
        remove_ref((*r)[i].is_string() ? (*r)[i].str : "", old_item.id_bin, slots[i].with_ordinal);
    if (refs.empty())
      writes.push_back({"HDEL", bucket_key(slots[i]), slots[i].field});
    else
      writes.push_back({"HSET", bucket_key(slots[i]), slots[i].field, refs});
  }
  writes.push_back(
      {"HDEL", ibucket(conn, m.version, bucket_of(old_item.id_bin, m.buckets_i)), old_item.id_bin});
  writes.push_back({"HDEL", series_key(conn, m.version), old_item.id_bin});
  return run_batches(redis_, writes);
}

Status IndexStore::put_series(const std::string& conn, const IndexMeta& m,
                              const std::string& id_bin, const std::string& value) {
  auto r = redis_.command({"HSET", series_key(conn, m.version), id_bin, value});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::optional<std::string>> IndexStore::get_series(const std::string& conn,
                                                          const IndexMeta& m,
                                                          const std::string& id_bin) {
  auto r = redis_.command({"HGET", series_key(conn, m.version), id_bin});
  if (!r.ok()) return r.error();
  if (!r->is_string()) return std::optional<std::string>{};
  return std::optional<std::string>(r->str);
}

Result<std::vector<IndexedItem>> IndexStore::all_items(const std::string& conn,
                                                       const IndexMeta& m) {
  std::vector<IndexedItem> out;
  std::vector<RedisArgv> cmds;
  for (int b = 0; b < m.buckets_i; ++b)
    cmds.push_back({"HGETALL", ibucket(conn, m.version, static_cast<uint32_t>(b))});
  for (size_t i = 0; i < cmds.size(); i += 200) {
    std::vector<RedisArgv> part(cmds.begin() + static_cast<long>(i),
                                cmds.begin() + static_cast<long>(std::min(cmds.size(), i + 200)));
    auto r = redis_.pipeline(part);
    if (!r.ok()) return r.error();
    for (const auto& h : *r)
      for (size_t j = 0; j + 1 < h.elements.size(); j += 2)
        if (auto it = decode_forward(h.elements[j].str, h.elements[j + 1].str))
          out.push_back(std::move(*it));
  }
  return out;
}

}  // namespace jb::library
