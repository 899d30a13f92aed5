// email_store.cpp — see email_store.h.
#include "auth-service/security/email_store.h"

#include "common/core/crypto.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

constexpr const char* kUserPrefix = "jb:2fa:email:";
constexpr const char* kTokenPrefix = "jb:2fa:email_token:";

std::string user_key(const std::string& uid) {
  return kUserPrefix + uid;
}

// KEYS[1] user; ARGV[1] token prefix. Forgets the user's pending token, if any.
const RedisScript kForgetToken(R"lua(
local t = redis.call('HGET', KEYS[1], 'token')
if t then redis.call('DEL', ARGV[1] .. t) end
return 1
)lua");

// KEYS[1] token; ARGV[1] user prefix → {uid, address} or false. Single use.
const RedisScript kConfirm(R"lua(
local f = redis.call('HMGET', KEYS[1], 'uid', 'address')
if not f[1] then return false end
redis.call('DEL', KEYS[1])
local uk = ARGV[1] .. f[1]
if redis.call('HGET', uk, 'address') ~= f[2] then return false end
redis.call('HSET', uk, 'confirmed', '1')
redis.call('HDEL', uk, 'token')
return {f[1], f[2]}
)lua");

std::string owner_key(const std::string& address) {
  return "jb:2fa:email_owner:" + crypto::sha256_hex(text::to_lower(address));
}

}  // namespace

Result<std::optional<EmailAddress>> EmailStore::get(const std::string& user_id) {
  auto r = redis_.command({"HMGET", user_key(user_id), "address", "confirmed"});
  if (!r.ok()) return r.error();
  if (r->elements.size() != 2 || r->elements[0].is_nil()) return std::optional<EmailAddress>{};
  return std::optional<EmailAddress>(EmailAddress{r->elements[0].str, r->elements[1].str == "1"});
}

Result<std::string> EmailStore::set(const std::string& user_id, const std::string& address) {
  const std::string token = "jbe_" + rnd::b64url(24);
  const std::string hash = crypto::sha256_hex(token);
  {
    auto lease = redis_.acquire();
    auto f = kForgetToken.run(*lease, {user_key(user_id)}, {kTokenPrefix});
    if (!f.ok()) return f.error();
  }
  auto r = redis_.pipeline(
      {{"HSET", user_key(user_id), "address", address, "confirmed", "0", "token", hash},
       {"HSET", kTokenPrefix + hash, "uid", user_id, "address", address},
       {"PEXPIRE", kTokenPrefix + hash, std::to_string(kTokenLifetimeMs)}});
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_protocol, "The email address was not stored.");
  return token;
}

Result<std::optional<ConfirmedEmail>> EmailStore::confirm(const std::string& token) {
  if (token.rfind("jbe_", 0) != 0 || token.size() > 64) return std::optional<ConfirmedEmail>{};
  auto lease = redis_.acquire();
  auto r = kConfirm.run(*lease, {kTokenPrefix + crypto::sha256_hex(token)}, {kUserPrefix});
  if (!r.ok()) return r.error();
  if (r->elements.size() != 2) return std::optional<ConfirmedEmail>{};
  ConfirmedEmail done{r->elements[0].str, r->elements[1].str};
  log::best_effort(lease->command({"SET", owner_key(done.address), done.user_id}),
                   "email owner index");
  return std::optional<ConfirmedEmail>(std::move(done));
}

Status EmailStore::set_confirmed(const std::string& user_id, const std::string& address) {
  auto r = redis_.pipeline({{"HSET", user_key(user_id), "address", address, "confirmed", "1"},
                            {"SET", owner_key(address), user_id}});
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_protocol, "The email address was not stored.");
  return Status::Ok();
}

Result<std::optional<std::string>> EmailStore::owner_of(const std::string& address) {
  if (address.empty() || address.size() > kMaxAddress) return std::optional<std::string>{};
  auto uid = redis_.command({"GET", owner_key(address)});
  if (!uid.ok()) return uid.error();
  if (!uid->is_string()) return std::optional<std::string>{};
  auto mine = get(uid->str);
  if (!mine.ok()) return mine.error();
  if (!*mine || !(*mine)->confirmed || text::to_lower((*mine)->address) != text::to_lower(address))
    return std::optional<std::string>{};
  return std::optional<std::string>(uid->str);
}

Result<bool> EmailStore::remove(const std::string& user_id) {
  {
    auto lease = redis_.acquire();
    auto f = kForgetToken.run(*lease, {user_key(user_id)}, {kTokenPrefix});
    if (!f.ok()) return f.error();
  }
  auto r = redis_.command({"DEL", user_key(user_id)});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

}  // namespace jb::auth
