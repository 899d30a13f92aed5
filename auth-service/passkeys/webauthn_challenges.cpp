// webauthn_challenges.cpp — see webauthn_challenges.h.
#include "auth-service/passkeys/webauthn_challenges.h"

#include "common/core/crypto.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/redis/script.h"

namespace jb::auth {

namespace {

// KEYS[1] challenge → its fields (flat), deleted; empty when gone.
const RedisScript kTake(R"lua(
local f = redis.call('HGETALL', KEYS[1])
if #f > 0 then redis.call('DEL', KEYS[1]) end
return f
)lua");

}  // namespace

std::string WebAuthnChallenges::key(const std::string& id) {
  return "jb:webauthn:" + crypto::sha256_hex(id);
}

Result<WebAuthnChallenge> WebAuthnChallenges::create(const std::string& purpose,
                                                     const std::string& user_id,
                                                     bool passwordless) {
  WebAuthnChallenge c;
  c.id = "jbw_" + rnd::b64url(32);
  c.challenge = rnd::bytes(kBytes);
  c.challenge_sha256 = crypto::sha256_hex(c.challenge);
  c.purpose = purpose;
  c.user_id = user_id;
  c.passwordless = passwordless;
  c.expires_ms = timeutil::now_unix_ms() + kLifetimeMs;
  auto r = redis_.pipeline(
      {{"HSET", key(c.id), "purpose", purpose, "uid", user_id, "pwl", passwordless ? "1" : "0",
        "challenge", c.challenge_sha256, "expires", std::to_string(c.expires_ms)},
       {"PEXPIRE", key(c.id), std::to_string(kLifetimeMs)}});
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_protocol, "The passkey challenge was not stored.");
  return c;
}

Result<std::optional<WebAuthnChallenge>> WebAuthnChallenges::take(const std::string& id,
                                                                  const std::string& purpose) {
  if (id.rfind("jbw_", 0) != 0 || id.size() > 64) return std::optional<WebAuthnChallenge>{};
  auto lease = redis_.acquire();
  auto r = kTake.run(*lease, {key(id)}, {});
  if (!r.ok()) return r.error();
  auto m = r->as_map();
  if (m.empty() || m["purpose"] != purpose) return std::optional<WebAuthnChallenge>{};
  WebAuthnChallenge c;
  c.id = id;
  c.challenge_sha256 = m["challenge"];
  c.purpose = m["purpose"];
  c.user_id = m["uid"];
  c.passwordless = m["pwl"] == "1";
  text::parse_int64(m["expires"], c.expires_ms);
  if (c.expires_ms <= timeutil::now_unix_ms()) return std::optional<WebAuthnChallenge>{};
  return std::optional<WebAuthnChallenge>(std::move(c));
}

}  // namespace jb::auth
