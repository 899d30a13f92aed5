// human_check_store.cpp — see human_check_store.h.
#include "auth-service/accounts/human_check_store.h"

#include <utility>

#include "common/core/crypto.h"

namespace jb::accounts {

HumanCheck::HumanCheck(RedisPool& redis, std::string hmac_key, int64_t maxnumber, int64_t ttl_s)
    : redis_(redis), hmac_key_(std::move(hmac_key)), maxnumber_(maxnumber), ttl_s_(ttl_s) {}

std::string HumanCheck::used_key(std::string_view challenge) {
  return "jb:human:used:" + crypto::sha256_hex(challenge);
}

PowChallenge HumanCheck::issue(int64_t now_s) const {
  return make_pow_challenge(hmac_key_, maxnumber_, now_s, ttl_s_);
}

Status HumanCheck::redeem(std::string_view payload, int64_t now_s) {
  auto solution = parse_pow_payload(payload);
  if (!solution.ok()) return solution.error();
  auto expires = verify_pow(*solution, hmac_key_, now_s);
  if (!expires.ok()) return expires.error();
  // verify_pow passed, so *expires > now_s: at least 1000 ms; the salt holds
  // at most 12 digits, so for any now_s >= 0 the product cannot overflow.
  int64_t remaining_ms = (*expires - now_s) * 1000;
  auto r = redis_.command(
      {"SET", used_key(solution->challenge), "1", "NX", "PX", std::to_string(remaining_ms)});
  if (!r.ok()) return r.error();
  if (r->is_nil())
    return Error(errc::human_check_reused,
                 "This human check was already used; solve a new challenge.", 400);
  if (r->as_string() != "OK")
    return Error(errc::redis_protocol, "Redis answered the human check's SET unexpectedly.");
  return Status::Ok();
}

}  // namespace jb::accounts
