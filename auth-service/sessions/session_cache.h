// session_cache.h — a short-lived in-process cache of session lookups, so the
// common authenticated request needs no Redis round trip.
//
// Entries live at most `ttl_ms` (default 2 s). Revocations made by this
// process erase the entry at once; revocations made by another auth-service
// instance arrive over Redis Pub/Sub (SessionStore publishes them) and erase
// it there too. If that subscription drops, the whole cache is cleared on
// reconnect, so a revoked session is never honoured longer than `ttl_ms`.
// The sliding expiry in Redis is refreshed whenever an entry is (re)filled.
//
// Thread-safety: thread-safe (sharded mutexes).
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth-service/sessions/session_store.h"

namespace jb::auth {

class SessionCache {
 public:
  explicit SessionCache(int64_t ttl_ms, size_t max_entries = 200000)
      : ttl_ms_(ttl_ms), max_per_shard_(max_entries / kShards + 1) {}
  std::optional<Session> get(const std::string& token_hash, int64_t now_ms);
  void put(const Session& s, int64_t now_ms);
  void erase(const std::string& token_hash);
  void erase_user(const std::string& user_id);
  void clear();
  bool enabled() const { return ttl_ms_ > 0; }

 private:
  static constexpr size_t kShards = 16;
  struct Entry {
    Session session;
    int64_t until_ms;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Entry> map;
  };
  Shard& shard(const std::string& h) { return shards_[std::hash<std::string>{}(h) % kShards]; }
  int64_t ttl_ms_;
  size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace jb::auth
