// index_store.h — a connection's provider-id index in Redis, compactly.
//
// Layout (conn = connection id, v = version):
//   jb:idx:<conn>:meta          hash  state, version, counts, bucket counts, libraries, timings
//   jb:idx:<conn>:lock          string  the builder holding the lock (SET NX PX)
//   jb:idx:<conn>:v<v>:k:<b>    hash  packed canonical key → refs. A ref is a
//                                     16-byte item id + 1-byte library index;
//                                     refs of series keys also carry the
//                                     series' ordinal (varint).
//   jb:idx:<conn>:v<v>:e:<b>    hash  (series ordinal, season, episode) varints → episode refs
//   jb:idx:<conn>:v<v>:i:<b>    hash  16-byte item id → forward entry: library, type,
//                                     series part (ordinal, season, first/last episode),
//                                     the item's own packed keys
//   jb:idx:<conn>:v<v>:s        hash  16-byte series id → ordinal + packed series keys
//   jb:idx:<conn>:v<v>:u        list  unmatched items "id\ttype\treason\tname" (capped)
// An episode is stored once, under its series' ordinal, not once per
// provider id of its series: "series:tvdb:81189/s1e2" resolves through the
// series key (→ ordinal) and then (ordinal, 1, 2). Buckets keep each hash
// small enough for Redis' listpack encoding (≤ ~64 entries on average, under
// hash-max-listpack-entries 128), which keeps memory per indexed item low. A
// build writes a new version and then switches `version` in the meta hash in
// one command; the old version is deleted after a grace period (readers that
// started on it finish), so a failed or partial build never replaces a good
// index.
//
// Thread-safety: thread-safe (RedisPool); index writes are serialised by the
// per-connection lock held by the builder.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::library {

struct IndexMeta {
  std::string state = "none";  // none | building | ready | stale | failed
  int64_t version = 0;
  int buckets_k = 0, buckets_i = 0, buckets_e = 0;
  int64_t next_ordinal = 0;            // series ordinals handed out so far
  std::vector<std::string> libraries;  // library index → library id
  int64_t movies = 0, series = 0, episodes = 0, unmatched = 0;
  int64_t last_build_ms = 0, last_duration_ms = 0, last_full_ms = 0;
  int64_t watermark_us = 0;  // server clock: items saved after this are re-read incrementally
  int64_t requests = 0;      // Jellyfin requests of the last build
  std::string last_kind, last_error;
  std::map<std::string, int64_t> library_items;  // library id → indexed items
};

struct Ref {
  std::string item_id;  // 32 hex
  std::string library_id;
};

// One item of a build: what the forward map stores.
struct IndexedItem {
  std::string id_bin;  // 16 bytes
  uint8_t lib = 0;
  char type = 'm';                       // m movie, s series, e episode
  std::vector<std::string> packed_keys;  // the item's own keys (movie, series or episode kind)
  // Episodes under a series with ids: stored as (ordinal, season, first..last).
  bool in_series = false;
  uint64_t ordinal = 0, season = 0, first = 0, last = 0;
  // Series: the ordinal its episodes are stored under.
  uint64_t series_ordinal = 0;
  bool matched() const { return in_series || !packed_keys.empty(); }
};

// Field of the episode map.
std::string episode_field(uint64_t ordinal, uint64_t season, uint64_t episode);

std::string id_to_bin(const std::string& hex32);  // "" when not 32 hex
std::string bin_to_id(const std::string& bin16);
uint32_t bucket_of(const std::string& bytes, int buckets);
std::string encode_forward(const IndexedItem& it);
std::optional<IndexedItem> decode_forward(const std::string& id_bin, const std::string& value);

class IndexStore {
 public:
  explicit IndexStore(RedisPool& redis) : redis_(redis) {}

  Result<IndexMeta> meta(const std::string& conn);
  Status put_meta(const std::string& conn, const std::map<std::string, std::string>& fields);
  static std::map<std::string, std::string> meta_fields(const IndexMeta& m);

  // Lock for builders: true when acquired.
  Result<bool> lock(const std::string& conn, const std::string& token, int64_t ttl_ms);
  Status renew(const std::string& conn, const std::string& token, int64_t ttl_ms);
  Status unlock(const std::string& conn, const std::string& token);
  Result<int64_t> next_version(const std::string& conn);

  // A complete version in memory, written before it becomes current.
  struct VersionData {
    std::vector<IndexedItem> items;
    std::unordered_map<std::string, std::string> key_refs;      // packed key → refs
    std::unordered_map<std::string, std::string> episode_refs;  // episode_field → refs
    std::unordered_map<std::string, std::string> series;  // series id → ordinal + packed keys
    std::vector<std::string> unmatched;
  };
  static void bucket_counts(const VersionData& d, int& bk, int& bi, int& be);
  Status write_version(const std::string& conn, int64_t version, int buckets_k, int buckets_i,
                       int buckets_e, const VersionData& data);
  // Deletes every key of a version (after a failed build or a grace period).
  Status drop_version(const std::string& conn, int64_t version, int buckets_k, int buckets_i,
                      int buckets_e);
  // Schedules dropping a superseded version after `grace_ms`; collect_garbage() does it.
  Status retire_version(const std::string& conn, const IndexMeta& old, int64_t grace_ms);
  Result<int> collect_garbage(int64_t now_ms);

  // Reads (current version from meta).
  Result<std::map<std::string, std::vector<Ref>>> lookup(const std::string& conn,
                                                         const std::vector<std::string>& text_keys);
  Result<std::map<std::string, std::vector<std::string>>> series_keys(
      const std::string& conn, const std::vector<std::string>& series_ids);
  // Items of one library (or all when library_id is empty), walking forward
  // buckets from `cursor`; returns the next cursor (-1 at the end).
  Result<std::pair<std::vector<std::pair<std::string, char>>, int>> list(
      const std::string& conn, const std::string& library_id, int cursor, int max_items);
  Result<std::vector<std::string>> unmatched(const std::string& conn, int64_t start, int64_t count);

  // Incremental maintenance of the current version (lock held).
  Result<std::optional<IndexedItem>> get_item(const std::string& conn, const IndexMeta& m,
                                              const std::string& id_bin);
  Status upsert_item(const std::string& conn, const IndexMeta& m,
                     const std::optional<IndexedItem>& old_item, const IndexedItem& item);
  Status remove_item(const std::string& conn, const IndexMeta& m, const IndexedItem& old_item);
  // Series map value: varint ordinal + packed keys.
  Status put_series(const std::string& conn, const IndexMeta& m, const std::string& id_bin,
                    const std::string& value);
  Result<std::optional<std::string>> get_series(const std::string& conn, const IndexMeta& m,
                                                const std::string& id_bin);
  Result<int64_t> next_ordinal(const std::string& conn);
  Result<std::vector<IndexedItem>> all_items(const std::string& conn, const IndexMeta& m);

 private:
  RedisPool& redis_;
};

}  // namespace jb::library
