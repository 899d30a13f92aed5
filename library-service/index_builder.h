// index_builder.h — building a connection's provider-id index.
//
// Full build: for each whitelisted library, page through its series first
// (their ids are needed for episode keys), then its films and episodes, with a
// page size of 500–1000; compute canonical keys (common/jellyfin/canonical.h); keep the
// items without a usable id as "unmatched" with their reason; stream each page
// into a new version in Redis before fetching the next (index_version_writer.h),
// so a build holds one page of items whatever the library's size; then switch to
// it atomically. A build that fails halfway leaves the current index untouched
// and drops its partial version; one whose process died is collected by the
// next full build (IndexStore::reclaim_pending).
//
// Incremental refresh: re-reads only items saved since the last build
// (minDateLastSaved, on the server's clock from its Date header, minus a
// margin), updates their entries, and detects removals by comparing each
// library's item count with the index (an ids-only scan runs only when the
// counts disagree). A series whose ids changed, or a changed whitelist, turns
// it into a full build.
//
// Jellyfin quirks handled and counted, never fatal: a page shorter than
// promised, the same item on two pages, malformed ProviderIds. Transport
// errors, 5xx and 503 Retry-After are retried by the client (common/jellyfin/client.h)
// and then reported.
//
// Thread-safety: one build per connection at a time (the caller holds the
// connection's index lock); an IndexBuilder may be shared across threads.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "library-service/index_store.h"
#include "library-service/item_source.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* too_many_libraries = "too_many_libraries";  // more than 255 libraries
}  // namespace jb::errc

namespace jb::library {

struct BuildOptions {
  int page_size = 1000;
  int64_t grace_ms = 60000;  // keep a superseded version this long
  int64_t watermark_margin_us = 120LL * 1000000;
};

struct BuildStats {
  std::string kind;  // full | incremental
  int64_t items = 0, movies = 0, series = 0, episodes = 0, unmatched = 0;
  int64_t added = 0, changed = 0, removed = 0;
  int64_t keys = 0;  // distinct canonical keys written (full builds)
  int64_t duplicates = 0, short_pages = 0, malformed_ids = 0, bad_item_ids = 0, repaired_passes = 0;
  uint64_t requests = 0;
  int64_t duration_ms = 0;
  int64_t version = 0;
  // Full builds: the most items whose entries were held in memory at once
  // (at most one page; the rest of the library is already in Redis).
  int64_t peak_items_held = 0;
};

class IndexBuilder {
 public:
  IndexBuilder(IndexStore& store, BuildOptions opts) : store_(store), opts_(opts) {}

  // `renew` is called between pages (keeps the lock alive); an error aborts.
  Result<BuildStats> full(const std::string& conn, ItemSource& src,
                          const std::vector<std::string>& libraries,
                          const std::function<Status()>& renew);
  Result<BuildStats> incremental(const std::string& conn, ItemSource& src,
                                 const std::vector<std::string>& libraries,
                                 const std::function<Status()>& renew);

 private:
  IndexStore& store_;
  BuildOptions opts_;
};

}  // namespace jb::library
