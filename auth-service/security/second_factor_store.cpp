// second_factor_store.cpp — see second_factor_store.h.
#include "auth-service/security/second_factor_store.h"

#include <sodium.h>

#include <algorithm>
#include <semaphore>

#include "common/core/recovery_codes.h"
#include "common/core/text.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

// KEYS[1] floor; ARGV[1] step → 1 accepted (the floor is now the step), 0 replayed.
const RedisScript kAcceptStep(R"lua(
local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) <= cur then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
)lua");

// KEYS[1] recovery hash; ARGV[1] field → codes left after using it, or -1 when it is not there.
const RedisScript kConsume(R"lua(
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return -1 end
return redis.call('HLEN', KEYS[1]) - 1
)lua");

std::counting_semaphore<SecondFactorStore::kHashesAtOnce>& hash_gate() {
  static std::counting_semaphore<SecondFactorStore::kHashesAtOnce> gate(
      SecondFactorStore::kHashesAtOnce);
  return gate;
}

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(d[p[i] >> 4]);
    s.push_back(d[p[i] & 15]);
  }
  return s;
}

// Argon2id of normalised code symbols under the user's salt, as hex.
Result<std::string> hash_code(const std::string& symbols, const std::string& salt) {
  if (salt.size() != crypto_pwhash_SALTBYTES)
    return Error(errc::internal, "The recovery codes' salt is damaged.");
  unsigned char out[32];
  hash_gate().acquire();
  int rc = crypto_pwhash(out, sizeof out, symbols.data(), symbols.size(),
                         reinterpret_cast<const unsigned char*>(salt.data()), 2,
                         size_t{19} * 1024 * 1024, crypto_pwhash_ALG_ARGON2ID13);
  hash_gate().release();
  if (rc != 0) return Error(errc::internal, "Out of memory while hashing a recovery code.");
  return to_hex(out, sizeof out);
}

}  // namespace

std::string SecondFactorStore::floor_key(const std::string& user_id) {
  return "jb:user:" + user_id + ":2fa:totp_floor";
}

std::string SecondFactorStore::recovery_key(const std::string& user_id) {
  return "jb:user:" + user_id + ":2fa:recovery";
}

Result<bool> SecondFactorStore::accept_step(const std::string& user_id, int64_t step) {
  auto lease = redis_.acquire();
  auto r = kAcceptStep.run(*lease, {floor_key(user_id)}, {std::to_string(step)});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Status SecondFactorStore::set_recovery_codes(const std::string& user_id,
                                             const std::vector<std::string>& codes) {
  if (sodium_init() < 0) return Error(errc::internal, "libsodium could not start.");
  std::string salt(crypto_pwhash_SALTBYTES, '\0');
  randombytes_buf(salt.data(), salt.size());
  RedisArgv hset{"HSET", recovery_key(user_id), "salt",
                 to_hex(reinterpret_cast<const unsigned char*>(salt.data()), salt.size())};
  for (const auto& c : codes) {
    auto symbols = recovery::normalize(c);
    if (!symbols) return Error(errc::internal, "Not a recovery code.");
    auto h = hash_code(*symbols, salt);
    if (!h.ok()) return h.error();
    hset.push_back(*h);
    hset.push_back("1");
  }
  // Old codes and new ones never mix: replaced in one transaction.
  auto r = redis_.pipeline({{"MULTI"}, {"DEL", recovery_key(user_id)}, hset, {"EXEC"}});
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_protocol, "The recovery codes were not stored.");
  return Status::Ok();
}

Result<int64_t> SecondFactorStore::recovery_codes_left(const std::string& user_id) {
  auto r = redis_.command({"HLEN", recovery_key(user_id)});
  if (!r.ok()) return r.error();
  return std::max<int64_t>(0, r->integer - 1);  // the salt is not a code
}

Result<bool> SecondFactorStore::consume_recovery_code(const std::string& user_id,
                                                      std::string_view typed) {
  auto symbols = recovery::normalize(typed);
  if (!symbols) return false;  // cannot be a code: no hashing, no Redis write
  auto salt_hex = redis_.command({"HGET", recovery_key(user_id), "salt"});
  if (!salt_hex.ok()) return salt_hex.error();
  if (!salt_hex->is_string()) return false;  // no codes
  std::string salt(crypto_pwhash_SALTBYTES, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(salt.data()), salt.size(),
                     salt_hex->str.data(), salt_hex->str.size(), nullptr, &len, nullptr) != 0 ||
      len != salt.size())
    return Error(errc::internal, "The recovery codes' salt is damaged.");
  auto h = hash_code(*symbols, salt);
  if (!h.ok()) return h.error();
  auto lease = redis_.acquire();
  auto r = kConsume.run(*lease, {recovery_key(user_id)}, {*h});
  if (!r.ok()) return r.error();
  return r->integer >= 0;
}

Status SecondFactorStore::clear_recovery_codes(const std::string& user_id) {
  auto r = redis_.command({"DEL", recovery_key(user_id)});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

namespace {
// KEYS[1] the grace key; ARGV[1] now → the start (set once).
const RedisScript kGraceStarted(R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
)lua");

std::string grace_key(const std::string& user_id) {
  return "jb:user:" + user_id + ":2fa:grace";
}
}  // namespace

Result<int64_t> SecondFactorStore::grace_started(const std::string& user_id, int64_t now_ms) {
  auto lease = redis_.acquire();
  auto r = kGraceStarted.run(*lease, {grace_key(user_id)}, {std::to_string(now_ms)});
  if (!r.ok()) return r.error();
  int64_t v = now_ms;
  if (!text::parse_int64(r->str, v)) v = now_ms;
  return v;
}

Status SecondFactorStore::reset_grace(const std::string& user_id) {
  auto r = redis_.command({"DEL", grace_key(user_id)});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace jb::auth
