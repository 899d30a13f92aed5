// index_store.h — a connection's provider-id index in Redis, compactly.
//
// Layout (conn = connection id, v = version):
//   jb:idx:<conn>:meta          hash  state, version, counts, bucket counts, libraries, timings;
//                                     `requested` (full|incremental) and `requested_seq`: a
//                                     build the user asked for and not yet done;
//                                     `pending_version` "v|bk|bi|be": the version a full
//                                     build is writing (cleared by the switch), so a
//                                     build that died midway is collected by the next one
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
// build streams a new version in page by page (index_version_writer.h) and
// then switches `version` in the meta hash in one command; the old version is
// deleted after a grace period (readers that started on it finish), so a
// failed or partial build never replaces a good index. A version that was
// being written when its builder died stays named in `pending_version`; the
// next full build retires it (reclaim_pending) and jb:idx:gc deletes it.
//
// The binary encodings of entries, refs and the meta hash are in index_codec.h.
//
// Thread-safety: thread-safe (RedisPool); index writes are serialised by the
// per-connection lock held by the builder.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/core/result.h"
#include "common/redis/client.h"
#include "library-service/index_codec.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* index_lock_lost = "index_lock_lost";  // the build lock expired
}  // namespace jb::errc

namespace jb::library {

// Where a version lives: its number and the bucket count of each bucketed hash.
struct VersionLayout {
  int64_t version = 0;
  int buckets_k = 1, buckets_i = 1, buckets_e = 1;
};

// The key of each part of a version (the layout above; defined in index_store.cpp).
namespace index_keys {
std::string kbucket(const std::string& conn, int64_t v, uint32_t b);
std::string ebucket(const std::string& conn, int64_t v, uint32_t b);
std::string ibucket(const std::string& conn, int64_t v, uint32_t b);
std::string series(const std::string& conn, int64_t v);
std::string unmatched(const std::string& conn, int64_t v);
}  // namespace index_keys

// Unmatched items kept per version (the list is capped).
constexpr size_t kMaxUnmatched = 5000;

class IndexStore {
 public:
  explicit IndexStore(RedisPool& redis) : redis_(redis) {}
  RedisPool& redis() { return redis_; }

  static std::string meta_key(const std::string& conn);
  Result<IndexMeta> meta(const std::string& conn);
  Status put_meta(const std::string& conn, const std::map<std::string, std::string>& fields);

  // A build someone asked for. Asking again never downgrades a pending full build
  // to an incremental one, and each ask bumps `seq`; a finished build clears the
  // request only when no newer ask came in meanwhile (so a full rebuild asked for
  // while a build runs is done after it, not lost).
  struct PendingRequest {
    bool full = false;
    int64_t seq = 0;  // 0: nothing pending
  };
  Status note_request(const std::string& conn, bool full);
  Result<PendingRequest> pending_request(const std::string& conn);
  // True when cleared; false when a newer ask is pending.
  Result<bool> clear_request(const std::string& conn, int64_t seen_seq);

  // Lock for builders: true when acquired.
  Result<bool> lock(const std::string& conn, const std::string& token, int64_t ttl_ms);
  Status renew(const std::string& conn, const std::string& token, int64_t ttl_ms);
  Status unlock(const std::string& conn, const std::string& token);
  Result<int64_t> next_version(const std::string& conn);

  // The version a full build is writing: recorded before its first write,
  // cleared by the switch (the `pending_version` field put_meta is given).
  Status mark_pending(const std::string& conn, const VersionLayout& layout);
  // A pending version other than the current one (its builder died or failed
  // to drop it) is retired after `grace_ms` and the mark removed. Lock held.
  Status reclaim_pending(const std::string& conn, int64_t grace_ms);
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
