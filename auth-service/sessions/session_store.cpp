// session_store.cpp — see session_store.h.
#include "auth-service/sessions/session_store.h"

#include "auth-service/sessions/session_cache.h"
#include "common/core/crypto.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/time.h"
#include "common/redis/client.h"

namespace jb::auth {

namespace {
constexpr const char* kPrefix = "jbs_";
std::string key(const std::string& hash) {
  return "jb:session:" + hash;
}
std::string user_index(const std::string& uid) {
  return "jb:user:" + uid + ":sessions";
}
Error unauthenticated() {
  return Error(errc::unauthenticated, "Sign in first: the session is missing, expired or revoked.",
               401);
}
}  // namespace

bool SessionStore::looks_like_token(const std::string& t) {
  if (t.size() != 4 + 43 || t.compare(0, 4, kPrefix) != 0) return false;
  for (size_t i = 4; i < t.size(); ++i) {
    char c = t[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

Result<Session> SessionStore::create(const SessionUser& user) {
  Session s;
  s.token = kPrefix + rnd::b64url(32);
  s.token_hash = crypto::sha256_hex(s.token);
  s.csrf = rnd::b64url(18);
  s.user = user;
  s.created_ms = timeutil::now_unix_ms();
  s.expires_ms = s.created_ms + policy_.idle_ms;
  auto r = redis_.pipeline({
      {"HSET", key(s.token_hash), "uid", user.id, "name", user.name, "admin",
       user.is_admin ? "1" : "0", "csrf", s.csrf, "created", std::to_string(s.created_ms)},
      {"PEXPIRE", key(s.token_hash), std::to_string(policy_.idle_ms)},
      {"SADD", user_index(user.id), s.token_hash},
      {"PEXPIRE", user_index(user.id), std::to_string(policy_.max_ms)},
  });
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_error, "Could not store the session: " + x.str, 500);
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

Status SessionStore::revoke_all(const std::string& user_id) {
  auto members = redis_.command({"SMEMBERS", user_index(user_id)});
  if (!members.ok()) return members.error();
  std::vector<RedisArgv> cmds;
  for (const auto& m : members->elements) cmds.push_back({"DEL", key(m.str)});
  cmds.push_back({"DEL", user_index(user_id)});
  cmds.push_back({"PUBLISH", kRevokedChannel, "user:" + user_id});
  if (cache_) cache_->erase_user(user_id);
  auto r = redis_.pipeline(cmds);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace jb::auth
