// session_store.cpp — see session_store.h.
#include "auth-service/sessions/session_store.h"

#include <algorithm>

#include "auth-service/sessions/session_cache.h"
#include "common/core/crypto.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/time.h"
#include "common/redis/client.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {
constexpr const char* kPrefix = "jbs_";
std::string key(const std::string& hash) {
  return "jb:session:" + hash;
}
std::string user_index(const std::string& uid) {
  return "jb:user:" + uid + ":sessions";
}
// Deletes every session in the index KEYS[1] (ARGV[1]: the session key prefix),
// the index itself, and announces ARGV[3] on channel ARGV[2]; answers how many
// sessions existed. One script, so a concurrent create() (a MULTI) is either
// wholly before it (and revoked) or wholly after it (and indexed).
const RedisScript kRevokeAll(R"lua(
local n = 0
for _, h in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  n = n + redis.call('DEL', ARGV[1] .. h)
end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return n
)lua");

Error unauthenticated() {
  return Error(errc::unauthenticated, "Sign in first: the session is missing, expired or revoked.",
               401);
}
}  // namespace

std::string clean_user_agent(const std::string& ua) {
  std::string out;
  for (char c : ua) {
    if (out.size() >= 256) break;
    if (c >= 0x20 && c <= 0x7e) out.push_back(c);
  }
  return out;
}

bool SessionStore::looks_like_token(const std::string& t) {
  if (t.size() != 4 + 43 || t.compare(0, 4, kPrefix) != 0) return false;
  for (size_t i = 4; i < t.size(); ++i) {
    char c = t[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

std::string SessionStore::public_id(const std::string& token_hash) {
  return crypto::sha256_hex("jb-session-id:" + token_hash).substr(0, 32);
}

Result<Session> SessionStore::create(const SessionUser& user, const SessionOrigin& origin) {
  Session s;
  s.token = kPrefix + rnd::b64url(32);
  s.token_hash = crypto::sha256_hex(s.token);
  s.csrf = rnd::b64url(18);
  s.user = user;
  s.created_ms = timeutil::now_unix_ms();
  s.expires_ms = s.created_ms + policy_.idle_ms;
  // MULTI: the session and its index entry appear together (see kRevokeAll).
  auto r = redis_.pipeline({
      {"MULTI"},
      {"HSET", key(s.token_hash), "uid", user.id, "name", user.name, "admin",
       user.is_admin ? "1" : "0", "csrf", s.csrf, "created", std::to_string(s.created_ms), "ip",
       origin.ip, "ua", clean_user_agent(origin.user_agent)},
      {"PEXPIRE", key(s.token_hash), std::to_string(policy_.idle_ms)},
      {"SADD", user_index(user.id), s.token_hash},
      {"PEXPIRE", user_index(user.id), std::to_string(policy_.max_ms)},
      {"EXEC"},
  });
  if (!r.ok()) return r.error();
  for (const auto& x : *r) {
    if (x.is_error()) return Error(errc::redis_error, "Could not store the session: " + x.str, 500);
    for (const auto& e : x.elements)
      if (e.is_error())
        return Error(errc::redis_error, "Could not store the session: " + e.str, 500);
  }
  return s;
}

void SessionStore::on_revoked(const std::string& message) {
  if (!cache_) return;
  if (message.rfind("user:", 0) == 0)
    cache_->erase_user(message.substr(5));
  else
    cache_->erase(message);
}

std::optional<Session> SessionStore::cached(const std::string& token) {
  if (!cache_ || !looks_like_token(token)) return std::nullopt;
  return cache_->get(crypto::sha256_hex(token), timeutil::now_unix_ms());
}

Result<Session> SessionStore::lookup(const std::string& token) {
  if (!looks_like_token(token)) return unauthenticated();
  std::string h = crypto::sha256_hex(token);
  int64_t now = timeutil::now_unix_ms();
  if (cache_) {
    if (auto hit = cache_->get(h, now)) return *hit;
  }
  auto r =
      redis_.pipeline({{"HGETALL", key(h)}, {"PEXPIRE", key(h), std::to_string(policy_.idle_ms)}});
  if (!r.ok()) return r.error();
  const RedisReply& all = (*r)[0];
  if (!all.is_array() || all.elements.empty()) return unauthenticated();
  Session s;
  s.token_hash = h;
  for (size_t i = 0; i + 1 < all.elements.size(); i += 2) {
    const std::string& f = all.elements[i].str;
    const std::string& v = all.elements[i + 1].str;
    if (f == "uid")
      s.user.id = v;
    else if (f == "name")
      s.user.name = v;
    else if (f == "admin")
      s.user.is_admin = v == "1";
    else if (f == "csrf")
      s.csrf = v;
    else if (f == "created")
      s.created_ms = std::atoll(v.c_str());
  }
  if (s.user.id.empty()) return unauthenticated();
  if (now - s.created_ms > policy_.max_ms) {
    log::best_effort(redis_.command({"DEL", key(h)}), "deleting an expired session");
    return unauthenticated();
  }
  s.expires_ms = now + policy_.idle_ms;
  if (cache_) cache_->put(s, now);
  return s;
}

Status SessionStore::revoke(const std::string& token) {
  if (!looks_like_token(token)) return Status::Ok();
  std::string h = crypto::sha256_hex(token);
  auto uid = redis_.command({"HGET", key(h), "uid"});
  if (!uid.ok()) return uid.error();
  if (cache_) cache_->erase(h);
  std::vector<RedisArgv> cmds{{"DEL", key(h)}, {"PUBLISH", kRevokedChannel, h}};
  if (uid->is_string()) cmds.push_back({"SREM", user_index(uid->str), h});
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<int64_t> SessionStore::revoke_all(const std::string& user_id) {
  if (cache_) cache_->erase_user(user_id);
  auto c = redis_.acquire();
  auto r = kRevokeAll.run(*c, {user_index(user_id)}, {key(""), kRevokedChannel, "user:" + user_id});
  if (!r.ok()) return r.error();
  if (!r->is_integer()) return Error(errc::redis_protocol, "revoke_all: unexpected reply", 500);
  return r->integer;
}

Result<int64_t> SessionStore::revoke_hashes(const std::string& user_id,
                                            const std::vector<std::string>& hashes) {
  if (hashes.empty()) return int64_t{0};
  std::vector<RedisArgv> cmds;
  for (const auto& h : hashes) {
    if (cache_) cache_->erase(h);
    cmds.push_back({"DEL", key(h)});
    cmds.push_back({"SREM", user_index(user_id), h});
    cmds.push_back({"PUBLISH", kRevokedChannel, h});
  }
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  int64_t n = 0;
  for (size_t i = 0; i < r->size(); i += 3) {
    if ((*r)[i].is_error())
      return Error(errc::redis_error, "Could not revoke a session: " + (*r)[i].str, 500);
    n += (*r)[i].integer;
  }
  return n;
}

Result<std::vector<SessionInfo>> SessionStore::list(const std::string& user_id) {
  auto members = redis_.command({"SMEMBERS", user_index(user_id)});
  if (!members.ok()) return members.error();
  std::vector<SessionInfo> out;
  if (members->elements.empty()) return out;
  std::vector<RedisArgv> cmds;
  for (const auto& m : members->elements) {
    cmds.push_back({"HMGET", key(m.str), "uid", "created", "ip", "ua"});
    cmds.push_back({"PTTL", key(m.str)});
  }
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  int64_t now = timeutil::now_unix_ms();
  std::vector<std::string> stale;
  for (size_t i = 0; i < members->elements.size(); ++i) {
    const std::string& h = members->elements[i].str;
    const RedisReply& f = (*r)[2 * i];
    const RedisReply& ttl = (*r)[2 * i + 1];
    if (f.is_error() || ttl.is_error())
      return Error(errc::redis_error, "Could not read a session: " + f.str + ttl.str, 500);
    if (f.elements.size() != 4 || f.elements[0].str != user_id || ttl.integer < 0) {
      stale.push_back(h);  // expired (or never completed): drop it from the index
      continue;
    }
    SessionInfo s;
    s.id = public_id(h);
    s.created_ms = std::atoll(f.elements[1].str.c_str());
    if (now - s.created_ms > policy_.max_ms) continue;  // lookup() deletes it
    s.ip = f.elements[2].str;
    s.user_agent = f.elements[3].str;
    s.expires_ms = std::min(now + ttl.integer, s.created_ms + policy_.max_ms);
    s.last_used_ms = std::max(s.created_ms, now + ttl.integer - policy_.idle_ms);
    out.push_back(std::move(s));
  }
  if (!stale.empty()) {
    RedisArgv srem{"SREM", user_index(user_id)};
    srem.insert(srem.end(), stale.begin(), stale.end());
    log::best_effort(redis_.command(srem), "dropping expired sessions from a user's index");
  }
  std::sort(out.begin(), out.end(), [](const SessionInfo& a, const SessionInfo& b) {
    return a.created_ms != b.created_ms ? a.created_ms < b.created_ms : a.id < b.id;
  });
  return out;
}

Result<bool> SessionStore::revoke_by_id(const std::string& user_id, const std::string& id) {
  auto members = redis_.command({"SMEMBERS", user_index(user_id)});
  if (!members.ok()) return members.error();
  for (const auto& m : members->elements) {
    if (public_id(m.str) != id) continue;
    auto n = revoke_hashes(user_id, {m.str});
    if (!n.ok()) return n.error();
    return *n > 0;
  }
  return false;
}

Result<int64_t> SessionStore::revoke_others(const std::string& user_id,
                                            const std::string& keep_hash) {
  auto members = redis_.command({"SMEMBERS", user_index(user_id)});
  if (!members.ok()) return members.error();
  std::vector<std::string> others;
  for (const auto& m : members->elements)
    if (m.str != keep_hash) others.push_back(m.str);
  return revoke_hashes(user_id, others);
}

}  // namespace jb::auth
