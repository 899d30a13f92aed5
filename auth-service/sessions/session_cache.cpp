// session_cache.cpp — see session_cache.h.
#include "auth-service/sessions/session_cache.h"

namespace jb::auth {

std::optional<Session> SessionCache::get(const std::string& h, int64_t now_ms) {
  if (ttl_ms_ <= 0) return std::nullopt;
  Shard& s = shard(h);
  std::lock_guard<std::mutex> l(s.mu);
  auto it = s.map.find(h);
  if (it == s.map.end()) return std::nullopt;
  if (it->second.until_ms < now_ms) {
    s.map.erase(it);
    return std::nullopt;
  }
  return it->second.session;
}

void SessionCache::put(const Session& session, int64_t now_ms) {
  if (ttl_ms_ <= 0) return;
  Shard& s = shard(session.token_hash);
  std::lock_guard<std::mutex> l(s.mu);
  if (s.map.size() >= max_per_shard_) s.map.clear();  // bounded memory; refilled on demand
  Session copy = session;
  copy.token.clear();  // never keep the clear token
  s.map[session.token_hash] = Entry{std::move(copy), now_ms + ttl_ms_};
}

void SessionCache::erase(const std::string& h) {
  Shard& s = shard(h);
  std::lock_guard<std::mutex> l(s.mu);
  s.map.erase(h);
}

void SessionCache::erase_user(const std::string& user_id) {
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> l(s.mu);
    for (auto it = s.map.begin(); it != s.map.end();)
      it = it->second.session.user.id == user_id ? s.map.erase(it) : std::next(it);
  }
}

void SessionCache::clear() {
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> l(s.mu);
    s.map.clear();
  }
}

}  // namespace jb::auth
