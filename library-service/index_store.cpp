// index_store.cpp — see index_store.h.
#include "library-service/index_store.h"

#include <algorithm>

#include "common/canonical.h"
#include "common/redis_script.h"
#include "common/text.h"
#include "common/time.h"

namespace jb::library {

namespace {

constexpr size_t kRefSize = 17;
constexpr size_t kMaxUnmatched = 5000;
constexpr size_t kBatch = 1000;

std::string meta_key(const std::string& c) { return "jb:idx:" + c + ":meta"; }
std::string lock_key(const std::string& c) { return "jb:idx:" + c + ":lock"; }
std::string vprefix(const std::string& c, int64_t v) { return "jb:idx:" + c + ":v" + std::to_string(v); }
std::string kbucket(const std::string& c, int64_t v, uint32_t b) { return vprefix(c, v) + ":k:" + std::to_string(b); }
std::string ibucket(const std::string& c, int64_t v, uint32_t b) { return vprefix(c, v) + ":i:" + std::to_string(b); }
std::string series_key(const std::string& c, int64_t v) { return vprefix(c, v) + ":s"; }
std::string unmatched_key(const std::string& c, int64_t v) { return vprefix(c, v) + ":u"; }
const char* kGc = "jb:idx:gc";

const RedisScript kRenew(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
)lua");
const RedisScript kUnlock(R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua");

Status run_batches(RedisPool& redis, std::vector<RedisArgv>& cmds) {
  for (size_t i = 0; i < cmds.size(); i += kBatch) {
    std::vector<RedisArgv> part(cmds.begin() + static_cast<long>(i),
                                cmds.begin() + static_cast<long>(std::min(cmds.size(), i + kBatch)));
    auto r = redis.pipeline(part);
    if (!r.ok()) return r.error();
    for (const auto& x : *r)
      if (x.is_error()) return Error("redis_error", "Index write failed: " + x.str, 500);
  }
  cmds.clear();
  return Status::Ok();
}

std::vector<Ref> parse_refs(const std::string& v, const std::vector<std::string>& libs) {
  std::vector<Ref> out;
  for (size_t i = 0; i + kRefSize <= v.size(); i += kRefSize) {
    uint8_t lib = static_cast<uint8_t>(v[i + 16]);
    out.push_back(Ref{bin_to_id(v.substr(i, 16)), lib < libs.size() ? libs[lib] : ""});
  }
  return out;
}

std::string remove_ref(const std::string& refs, const std::string& id_bin) {
  std::string out;
  for (size_t i = 0; i + kRefSize <= refs.size(); i += kRefSize)
    if (refs.compare(i, 16, id_bin) != 0) out.append(refs, i, kRefSize);
  return out;
}

int64_t to_i(const std::string& s) { return std::atoll(s.c_str()); }

}  // namespace

std::string id_to_bin(const std::string& hex32) {
  if (hex32.size() != 32) return "";
  std::string out;
  if (!text::hex_decode(hex32, out)) return "";
  return out;
}

std::string bin_to_id(const std::string& bin16) { return text::hex_encode(bin16); }

uint32_t bucket_of(const std::string& bytes, int buckets) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 16777619u;
  }
  return buckets > 0 ? h % static_cast<uint32_t>(buckets) : 0;
}

std::string encode_forward(const IndexedItem& it) {
  std::string v;
  v.push_back(static_cast<char>(it.lib));
  v.push_back(it.type);
  v.push_back(static_cast<char>(std::min<size_t>(it.packed_keys.size(), 255)));
  for (size_t i = 0; i < it.packed_keys.size() && i < 255; ++i) {
    v.push_back(static_cast<char>(it.packed_keys[i].size()));
    v += it.packed_keys[i];
  }
  return v;
}

std::optional<IndexedItem> decode_forward(const std::string& id_bin, const std::string& v) {
  if (v.size() < 3) return std::nullopt;
  IndexedItem it;
  it.id_bin = id_bin;
  it.lib = static_cast<uint8_t>(v[0]);
  it.type = v[1];
  size_t n = static_cast<uint8_t>(v[2]), p = 3;
  for (size_t i = 0; i < n; ++i) {
    if (p >= v.size()) return std::nullopt;
    size_t len = static_cast<uint8_t>(v[p++]);
    if (p + len > v.size()) return std::nullopt;
    it.packed_keys.push_back(v.substr(p, len));
    p += len;
  }
  return it;
}

std::map<std::string, std::string> IndexStore::meta_fields(const IndexMeta& m) {
  std::string libs, counts;
  for (size_t i = 0; i < m.libraries.size(); ++i) libs += (i ? "," : "") + m.libraries[i];
  for (const auto& [lib, n] : m.library_items) counts += (counts.empty() ? "" : ",") + lib + "=" + std::to_string(n);
  return {{"state", m.state},
          {"version", std::to_string(m.version)},
          {"buckets_k", std::to_string(m.buckets_k)},
          {"buckets_i", std::to_string(m.buckets_i)},
          {"libraries", libs},
          {"library_items", counts},
          {"movies", std::to_string(m.movies)},
          {"series", std::to_string(m.series)},
          {"episodes", std::to_string(m.episodes)},
          {"unmatched", std::to_string(m.unmatched)},
          {"last_build_ms", std::to_string(m.last_build_ms)},
          {"last_duration_ms", std::to_string(m.last_duration_ms)},
          {"last_full_ms", std::to_string(m.last_full_ms)},
          {"watermark_us", std::to_string(m.watermark_us)},
          {"requests", std::to_string(m.requests)},
          {"last_kind", m.last_kind},
          {"last_error", m.last_error}};
}

Result<IndexMeta> IndexStore::meta(const std::string& conn) {
  auto r = redis_.command({"HGETALL", meta_key(conn)});
  if (!r.ok()) return r.error();
  std::map<std::string, std::string> f;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) f[r->elements[i].str] = r->elements[i + 1].str;
  IndexMeta m;
  if (f.empty()) return m;
  m.state = f["state"].empty() ? "none" : f["state"];
  m.version = to_i(f["version"]);
  m.buckets_k = static_cast<int>(to_i(f["buckets_k"]));
  m.buckets_i = static_cast<int>(to_i(f["buckets_i"]));
  m.libraries = text::split(f["libraries"], ',');
  for (const auto& kv : text::split(f["library_items"], ',')) {
    auto eq = kv.find('=');
    if (eq != std::string::npos) m.library_items[kv.substr(0, eq)] = to_i(kv.substr(eq + 1));
  }
  m.movies = to_i(f["movies"]);
  m.series = to_i(f["series"]);
  m.episodes = to_i(f["episodes"]);
  m.unmatched = to_i(f["unmatched"]);
  m.last_build_ms = to_i(f["last_build_ms"]);
  m.last_duration_ms = to_i(f["last_duration_ms"]);
  m.last_full_ms = to_i(f["last_full_ms"]);
  m.watermark_us = to_i(f["watermark_us"]);
  m.requests = to_i(f["requests"]);
  m.last_kind = f["last_kind"];
  m.last_error = f["last_error"];
  return m;
}

Status IndexStore::put_meta(const std::string& conn, const std::map<std::string, std::string>& fields) {
  RedisArgv argv{"HSET", meta_key(conn)};
  for (const auto& [k, v] : fields) {
    argv.push_back(k);
    argv.push_back(v);
  }
  auto r = redis_.command(argv);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<bool> IndexStore::lock(const std::string& conn, const std::string& token, int64_t ttl_ms) {
  auto r = redis_.command({"SET", lock_key(conn), token, "NX", "PX", std::to_string(ttl_ms)});
  if (!r.ok()) return r.error();
  return !r->is_nil();
}

Status IndexStore::renew(const std::string& conn, const std::string& token, int64_t ttl_ms) {
  auto lease = redis_.acquire();
  auto r = kRenew.run(*lease, {lock_key(conn)}, {token, std::to_string(ttl_ms)});
  if (!r.ok()) return r.error();
  if (r->integer != 1) return Error("index_lock_lost", "Another builder took over this index.", 409);
  return Status::Ok();
}

Status IndexStore::unlock(const std::string& conn, const std::string& token) {
  auto lease = redis_.acquire();
  auto r = kUnlock.run(*lease, {lock_key(conn)}, {token});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<int64_t> IndexStore::next_version(const std::string& conn) {
  auto r = redis_.command({"HINCRBY", meta_key(conn), "version_seq", "1"});
  if (!r.ok()) return r.error();
  return r->integer;
}

Status IndexStore::write_version(const std::string& conn, int64_t v, int buckets_k, int buckets_i,
                                 const std::vector<IndexedItem>& items,
                                 const std::unordered_map<std::string, std::string>& key_refs,
                                 const std::unordered_map<std::string, std::string>& series,
                                 const std::vector<std::string>& unmatched) {
  std::vector<RedisArgv> per_bucket_i(static_cast<size_t>(buckets_i));
  for (const auto& it : items) {
    auto& cmd = per_bucket_i[bucket_of(it.id_bin, buckets_i)];
    if (cmd.empty()) cmd = {"HSET", ibucket(conn, v, bucket_of(it.id_bin, buckets_i))};
    cmd.push_back(it.id_bin);
    cmd.push_back(encode_forward(it));
  }
  std::vector<RedisArgv> per_bucket_k(static_cast<size_t>(buckets_k));
  for (const auto& [key, refs] : key_refs) {
    uint32_t b = bucket_of(key, buckets_k);
    auto& cmd = per_bucket_k[b];
    if (cmd.empty()) cmd = {"HSET", kbucket(conn, v, b)};
    cmd.push_back(key);
    cmd.push_back(refs);
  }
  std::vector<RedisArgv> cmds;
  for (auto* group : {&per_bucket_i, &per_bucket_k})
    for (auto& c : *group)
      if (!c.empty()) {
        cmds.push_back(std::move(c));
        if (cmds.size() >= 200)
          if (auto s = run_batches(redis_, cmds); !s.ok()) return s;
      }
  RedisArgv s{"HSET", series_key(conn, v)};
  for (const auto& [id, packed] : series) {
    s.push_back(id);
    s.push_back(packed);
    if (s.size() > 2000) {
      cmds.push_back(s);
      s = {"HSET", series_key(conn, v)};
    }
  }
  if (s.size() > 2) cmds.push_back(s);
  RedisArgv u{"RPUSH", unmatched_key(conn, v)};
  for (size_t i = 0; i < unmatched.size() && i < kMaxUnmatched; ++i) u.push_back(unmatched[i]);
  if (u.size() > 2) cmds.push_back(u);
  return run_batches(redis_, cmds);
}

Status IndexStore::drop_version(const std::string& conn, int64_t v, int buckets_k, int buckets_i) {
  std::vector<RedisArgv> cmds;
  RedisArgv unlink{"UNLINK", series_key(conn, v), unmatched_key(conn, v)};
  for (int b = 0; b < buckets_k; ++b) {
    unlink.push_back(kbucket(conn, v, static_cast<uint32_t>(b)));
    if (unlink.size() > 500) {
      cmds.push_back(unlink);
      unlink = {"UNLINK"};
    }
  }
  for (int b = 0; b < buckets_i; ++b) {
    unlink.push_back(ibucket(conn, v, static_cast<uint32_t>(b)));
    if (unlink.size() > 500) {
      cmds.push_back(unlink);
      unlink = {"UNLINK"};
    }
  }
  if (unlink.size() > 1) cmds.push_back(unlink);
  return run_batches(redis_, cmds);
}

Status IndexStore::retire_version(const std::string& conn, int64_t v, int buckets_k, int buckets_i,
                                  int64_t grace_ms) {
  std::string member = conn + "|" + std::to_string(v) + "|" + std::to_string(buckets_k) + "|" + std::to_string(buckets_i);
  auto r = redis_.command({"ZADD", kGc, std::to_string(timeutil::now_unix_ms() + grace_ms), member});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<int> IndexStore::collect_garbage(int64_t now_ms) {
  auto r = redis_.command({"ZRANGEBYSCORE", kGc, "-inf", std::to_string(now_ms), "LIMIT", "0", "20"});
  if (!r.ok()) return r.error();
  int n = 0;
  for (const auto& m : r->elements) {
    auto parts = text::split(m.str, '|');
    if (parts.size() == 4) {
      auto s = drop_version(parts[0], to_i(parts[1]), static_cast<int>(to_i(parts[2])), static_cast<int>(to_i(parts[3])));
      if (!s.ok()) return s.error();
    }
    (void)redis_.command({"ZREM", kGc, m.str});
    ++n;
  }
  return n;
}

Result<std::map<std::string, std::vector<Ref>>> IndexStore::lookup(const std::string& conn,
                                                                   const std::vector<std::string>& text_keys) {
  auto m = meta(conn);
  if (!m.ok()) return m.error();
  std::map<std::string, std::vector<Ref>> out;
  if (m->version == 0 || m->buckets_k == 0) return out;
  std::map<uint32_t, std::vector<std::pair<std::string, std::string>>> by_bucket;  // bucket → (packed, text)
  for (const auto& t : text_keys) {
    std::string p = canon::pack_text(t);
    if (p.empty()) continue;
    by_bucket[bucket_of(p, m->buckets_k)].emplace_back(p, t);
  }
  std::vector<RedisArgv> cmds;
  std::vector<const std::vector<std::pair<std::string, std::string>>*> order;
  for (const auto& [b, keys] : by_bucket) {
    RedisArgv c{"HMGET", kbucket(conn, m->version, b)};
    for (const auto& k : keys) c.push_back(k.first);
    cmds.push_back(std::move(c));
    order.push_back(&keys);
  }
  for (size_t i = 0; i < cmds.size(); i += kBatch) {
    std::vector<RedisArgv> part(cmds.begin() + static_cast<long>(i),
                                cmds.begin() + static_cast<long>(std::min(cmds.size(), i + kBatch)));
    auto r = redis_.pipeline(part);
    if (!r.ok()) return r.error();
    for (size_t j = 0; j < r->size(); ++j) {
      const auto& keys = *order[i + j];
      const auto& vals = (*r)[j].elements;
      for (size_t k = 0; k < keys.size() && k < vals.size(); ++k)
        if (vals[k].is_string()) out[keys[k].second] = parse_refs(vals[k].str, m->libraries);
    }
  }
  return out;
}

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
  for (size_t i = 0; i < asked.size() && i < r->elements.size(); ++i) {
    if (!r->elements[i].is_string()) continue;
    const std::string& v = r->elements[i].str;
    std::vector<std::string> keys;
    for (size_t p = 0; p < v.size();) {
      size_t len = static_cast<uint8_t>(v[p++]);
      if (p + len > v.size()) break;
      if (auto k = canon::unpack(v.substr(p, len))) keys.push_back(canon::to_text(*k));
      p += len;
    }
    out[asked[i]] = keys;
  }
  return out;
}

Result<std::pair<std::vector<std::pair<std::string, char>>, int>> IndexStore::list(const std::string& conn,
                                                                                   const std::string& library_id,
                                                                                   int cursor, int max_items) {
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

Result<std::vector<std::string>> IndexStore::unmatched(const std::string& conn, int64_t start, int64_t count) {
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
  auto r = redis_.command({"HGET", ibucket(conn, m.version, bucket_of(id_bin, m.buckets_i)), id_bin});
  if (!r.ok()) return r.error();
  if (!r->is_string()) return std::optional<IndexedItem>{};
  return decode_forward(id_bin, r->str);
}

Status IndexStore::upsert_item(const std::string& conn, const IndexMeta& m, const std::optional<IndexedItem>& old_item,
                               const IndexedItem& item) {
  // Read every key field we touch, edit the refs, write back (the lock holder is the only writer).
  std::vector<std::string> fields;
  if (old_item) fields = old_item->packed_keys;
  for (const auto& k : item.packed_keys)
    if (std::find(fields.begin(), fields.end(), k) == fields.end()) fields.push_back(k);
  std::vector<RedisArgv> reads;
  for (const auto& f : fields) reads.push_back({"HGET", kbucket(conn, m.version, bucket_of(f, m.buckets_k)), f});
  auto r = redis_.pipeline(reads);
  if (!r.ok()) return r.error();
  std::vector<RedisArgv> writes;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string refs = remove_ref((*r)[i].is_string() ? (*r)[i].str : "", item.id_bin);
    if (std::find(item.packed_keys.begin(), item.packed_keys.end(), fields[i]) != item.packed_keys.end()) {
      refs += item.id_bin;
      refs.push_back(static_cast<char>(item.lib));
    }
    std::string bucket = kbucket(conn, m.version, bucket_of(fields[i], m.buckets_k));
    if (refs.empty()) writes.push_back({"HDEL", bucket, fields[i]});
    else writes.push_back({"HSET", bucket, fields[i], refs});
  }
  writes.push_back({"HSET", ibucket(conn, m.version, bucket_of(item.id_bin, m.buckets_i)), item.id_bin, encode_forward(item)});
  return run_batches(redis_, writes);
}

Status IndexStore::remove_item(const std::string& conn, const IndexMeta& m, const IndexedItem& old_item) {
  std::vector<RedisArgv> reads;
  for (const auto& f : old_item.packed_keys)
    reads.push_back({"HGET", kbucket(conn, m.version, bucket_of(f, m.buckets_k)), f});
  auto r = redis_.pipeline(reads);
  if (!r.ok()) return r.error();
  std::vector<RedisArgv> writes;
  for (size_t i = 0; i < old_item.packed_keys.size(); ++i) {
    std::string refs = remove_ref((*r)[i].is_string() ? (*r)[i].str : "", old_item.id_bin);
    std::string bucket = kbucket(conn, m.version, bucket_of(old_item.packed_keys[i], m.buckets_k));
    if (refs.empty()) writes.push_back({"HDEL", bucket, old_item.packed_keys[i]});
    else writes.push_back({"HSET", bucket, old_item.packed_keys[i], refs});
  }
  writes.push_back({"HDEL", ibucket(conn, m.version, bucket_of(old_item.id_bin, m.buckets_i)), old_item.id_bin});
  writes.push_back({"HDEL", series_key(conn, m.version), old_item.id_bin});
  return run_batches(redis_, writes);
}

Status IndexStore::put_series(const std::string& conn, const IndexMeta& m, const std::string& id_bin,
                              const std::string& packed) {
  auto r = redis_.command({"HSET", series_key(conn, m.version), id_bin, packed});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<std::vector<IndexedItem>> IndexStore::all_items(const std::string& conn, const IndexMeta& m) {
  std::vector<IndexedItem> out;
  std::vector<RedisArgv> cmds;
  for (int b = 0; b < m.buckets_i; ++b) cmds.push_back({"HGETALL", ibucket(conn, m.version, static_cast<uint32_t>(b))});
  for (size_t i = 0; i < cmds.size(); i += 200) {
    std::vector<RedisArgv> part(cmds.begin() + static_cast<long>(i),
                                cmds.begin() + static_cast<long>(std::min(cmds.size(), i + 200)));
    auto r = redis_.pipeline(part);
    if (!r.ok()) return r.error();
    for (const auto& h : *r)
      for (size_t j = 0; j + 1 < h.elements.size(); j += 2)
        if (auto it = decode_forward(h.elements[j].str, h.elements[j + 1].str)) out.push_back(std::move(*it));
  }
  return out;
}

}  // namespace jb::library
