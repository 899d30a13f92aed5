// libraries.h — a connection's libraries and its whitelist.
//
// Discovery reads /UserViews?userId= (user tokens) or /Library/MediaFolders
// (API keys) and caches the list in Redis (jb:lib:<conn>); refresh=true
// reloads it ("Load Libraries"). The whitelist (jb:wl:<conn>) holds library
// ids, not names, so renames do not break it; empty means all libraries. A
// whitelisted library that no longer exists on the server is reported as
// `missing`, never silently dropped.
//
// Thread-safety: thread-safe (RedisPool).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/core/result.h"
#include "common/jellyfin/client.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* unknown_library = "unknown_library";  // a whitelist names an unknown library
}  // namespace jb::errc

namespace jb::library {

struct LibraryInfo {
  std::string id, name, type;  // type from CollectionType ("movies", "tvshows", …; "" = mixed)
  std::optional<int64_t> child_count;  // Jellyfin's ChildCount (films, or series for shows)
};

struct LibraryList {
  std::vector<LibraryInfo> libraries;
  int64_t fetched_ms = 0;
};

struct WhitelistEntry {
  std::string id, name;
  bool present = true;
};

class Libraries {
 public:
  explicit Libraries(RedisPool& redis) : redis_(redis) {}

  Result<std::optional<LibraryList>> cached(const std::string& conn);
  Result<LibraryList> store(const std::string& conn, const std::vector<jf::Library>& found);
  Result<std::vector<std::string>> whitelist(const std::string& conn);
  // Validates ids against `known`: unknown ids → 400 naming each of them.
  Status set_whitelist(const std::string& conn, const std::vector<std::string>& ids,
                       const LibraryList& known);
  // The libraries an index/sync covers: the whitelist, or every known library when empty.
  static std::vector<std::string> effective(const std::vector<std::string>& whitelist,
                                            const LibraryList& known);
  static std::vector<WhitelistEntry> describe(const std::vector<std::string>& whitelist,
                                              const LibraryList& known);

 private:
  RedisPool& redis_;
};

// The library types that hold what we sync (films and series).
bool syncable_type(const std::string& collection_type);

}  // namespace jb::library
