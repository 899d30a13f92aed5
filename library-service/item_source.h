// item_source.h — where an index build reads items from: one page of a
// library at a time. JellyfinItemSource asks Jellyfin's /Items (recursive,
// ProviderIds only, no user data, no images); tests use fakes.
//
// Thread-safety: one source per build (it wraps a single-thread jf::Client).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/jellyfin/client.h"

namespace jb::library {

struct PageQuery {
  std::string library_id;
  std::string types;  // "Series" | "Movie,Episode" | "Movie,Series,Episode"
  int64_t start = 0;
  int limit = 1000;
  std::optional<int64_t> min_date_saved_us;
  bool ids_only = false;
};

class ItemSource {
 public:
  virtual ~ItemSource() = default;
  virtual Result<jf::ItemsPage> page(const PageQuery& q) = 0;
  virtual uint64_t requests() const = 0;
};

// Builds the /Items query string for a page (exposed for tests).
std::string items_query(const PageQuery& q, const std::string& user_id);

class JellyfinItemSource : public ItemSource {
 public:
  JellyfinItemSource(jf::Client& client, std::string user_id)
      : c_(client), user_id_(std::move(user_id)) {}
  Result<jf::ItemsPage> page(const PageQuery& q) override {
    return c_.items(items_query(q, user_id_));
  }
  uint64_t requests() const override { return c_.requests(); }

 private:
  jf::Client& c_;
  std::string user_id_;  // "" for API keys without a chosen user
};

}  // namespace jb::library
