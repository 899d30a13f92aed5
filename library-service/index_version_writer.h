// index_version_writer.h — streams one new index version into Redis a page at
// a time (layout in index_store.h), so a full build holds one page of items,
// never the whole library.
//
// The builder adds the entries of one page's items (forward entries, key and
// episode refs, series values, unmatched lines) and calls flush() before it
// fetches the next page; flush() writes them and forgets them. Refs of a key
// that several items share are appended to the field in Redis (a Lua script),
// in the order the items were added, so the written version is byte for byte
// what building it in memory would give. The version's bucket counts are
// chosen before its first page (from the previous version, else small); when
// the real sizes turn out far from them, finish() copies the version into one
// with exact bucket counts (a bounded HSCAN at a time) under a new number.
//
// Reads the builder needs while the version is incomplete: which item ids it
// already holds (duplicates across pages) and the values of series written on
// earlier pages.
//
// Thread-safety: one writer per build, used by one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/core/result.h"
#include "common/redis/client.h"
#include "library-service/index_codec.h"
#include "library-service/index_store.h"

namespace jb::library {

class VersionWriter {
 public:
  VersionWriter(RedisPool& redis, std::string conn, VersionLayout layout)
      : redis_(redis), conn_(std::move(conn)), layout_(layout) {}

  const VersionLayout& layout() const { return layout_; }

  // Whether each of these 16-byte item ids is already written.
  Result<std::vector<bool>> have_items(const std::vector<std::string>& id_bins);
  // The written series values of these 16-byte series ids (absent ones omitted).
  Result<std::unordered_map<std::string, std::string>> series_values(
      const std::vector<std::string>& id_bins);

  // Buffer one item's entries (forward entry and refs), a series value, an unmatched line.
  void add_item(const IndexedItem& it);
  void add_series(const std::string& id_bin, const std::string& value);
  void add_unmatched(std::string line);
  // Items whose entries are buffered now.
  int64_t items_held() const { return held_; }
  // Writes everything buffered; afterwards nothing is held.
  Status flush();

  // Distinct key and episode-map fields, forward entries written so far.
  int64_t key_fields() const { return key_fields_; }
  int64_t episode_fields() const { return episode_fields_; }
  int64_t forward_entries() const { return forward_; }

  // The exact bucket counts for what was written.
  VersionLayout exact_layout() const;
  // True when the layout's buckets are too full or too empty for its contents.
  bool needs_rebucket() const;
  // Copies the version into `to` (exact bucket counts) and deletes the
  // original's keys as it goes; the writer then describes `to`.
  Status rebucket(const VersionLayout& to);

 private:
  RedisPool& redis_;
  std::string conn_;
  VersionLayout layout_;
  std::vector<std::pair<std::string, std::string>> forward_buf_;  // id_bin → forward entry
  std::unordered_map<std::string, std::string> key_buf_;          // packed key → refs
  std::unordered_map<std::string, std::string> episode_buf_;      // episode field → refs
  std::vector<std::pair<std::string, std::string>> series_buf_;
  std::vector<std::string> unmatched_buf_;
  int64_t held_ = 0;
  int64_t key_fields_ = 0, episode_fields_ = 0, forward_ = 0;
  size_t unmatched_ = 0;
};

}  // namespace jb::library
