// index_codec.h — the binary encodings of a connection's provider-id index
// (layout in index_store.h), as pure functions: the forward entry of an item,
// the refs of a key (16-byte item id + 1-byte library, + varint series
// ordinal for series keys), the episode-map field, ids in binary, bucket
// choice, and the meta hash. index_store.h reads and writes them in Redis.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// The refs of a key.
struct ParsedRef {
  std::string id_bin;
  uint8_t lib = 0;
  uint64_t ordinal = 0;
};
// Parses refs; stops at the first incomplete one.
std::vector<ParsedRef> parse_refs(std::string_view refs, bool with_ordinal);
std::string ref_bytes(const std::string& id_bin, uint8_t lib, std::optional<uint64_t> ordinal);
// The refs without those of `id_bin`.
std::string remove_ref(const std::string& refs, const std::string& id_bin, bool with_ordinal);
// Whether a packed canonical key is a series key (its refs carry ordinals).
bool is_series_key(const std::string& packed);
// Buckets for a hash of `entries` fields (mean 64 per bucket, under the listpack limit).
int buckets_for(size_t entries);

// The meta hash ↔ IndexMeta (unknown or missing fields take their defaults).
std::map<std::string, std::string> meta_fields(const IndexMeta& m);
IndexMeta meta_from_fields(std::map<std::string, std::string> fields);

}  // namespace jb::library
