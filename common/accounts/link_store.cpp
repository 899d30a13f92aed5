// link_store.cpp — see link_store.h.
#include "common/accounts/link_store.h"

#include "common/core/crypto.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/redis/script.h"

namespace jb::accounts {

namespace {

constexpr int64_t kKeepMs = 24LL * 60 * 60 * 1000;  // beyond expiry: "expired", not "unknown"

// KEYS[1] link; ARGV[1] now, ARGV[2] "take" or "peek" → {state, subject, detail, expires}.
const RedisScript kRead(R"lua(
local f = redis.call('HMGET', KEYS[1], 'subject', 'detail', 'expires')
if not f[1] then return {'unknown'} end
if tonumber(f[3]) <= tonumber(ARGV[1]) then return {'expired'} end
if ARGV[2] == 'take' then redis.call('DEL', KEYS[1]) end
return {'ok', f[1], f[2], f[3]}
)lua");

bool plausible(const std::string& token) {
  if (token.size() != 22) return false;
  for (char c : token)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

}  // namespace

LinkKind reset_links() {
  return LinkKind{"jb:reset:",
                  30 * 60 * 1000,
                  errc::reset_link_invalid,
                  404,
                  "This reset link is not valid (or was used already).",
                  errc::reset_link_expired,
                  "This reset link is older than 30 minutes: ask for a new one."};
}

LinkKind contact_links() {
  return LinkKind{"jb:signup:contact:",
                  30 * 60 * 1000,
                  errc::contact_token_invalid,
                  400,
                  "This address confirmation is not valid (or was used already): confirm your "
                  "email address again.",
                  errc::contact_token_expired,
                  "This address confirmation is older than 30 minutes: confirm your email "
                  "address again."};
}

Result<OneTimeLink> LinkStore::read(const std::string& token, int64_t now_ms, const char* mode) {
  const Error invalid(kind_.invalid_code, kind_.invalid_detail, kind_.invalid_status);
  if (!plausible(token)) return invalid;
  auto c = redis_.acquire();
  auto r =
      kRead.run(*c, {kind_.prefix + crypto::sha256_hex(token)}, {std::to_string(now_ms), mode});
  if (!r.ok()) return r.error();
  const std::string state = r->elements.empty() ? "" : r->elements[0].str;
  if (state == "expired") return Error(kind_.expired_code, kind_.expired_detail, 410);
  if (state != "ok" || r->elements.size() != 4) return invalid;
  OneTimeLink l{r->elements[1].str, r->elements[2].str, 0};
  if (!text::parse_int64(r->elements[3].str, l.expires_ms)) l.expires_ms = 0;
  return l;
}

Result<std::string> LinkStore::create(const std::string& subject, const std::string& detail,
                                      int64_t now_ms) {
  const std::string token = rnd::b64url(16);
  if (auto s = put_back(token, OneTimeLink{subject, detail, now_ms + kind_.lifetime_ms}); !s.ok())
    return s.error();
  return token;
}

Result<OneTimeLink> LinkStore::peek(const std::string& token, int64_t now_ms) {
  return read(token, now_ms, "peek");
}

Result<OneTimeLink> LinkStore::take(const std::string& token, int64_t now_ms) {
  return read(token, now_ms, "take");
}

Status LinkStore::put_back(const std::string& token, const OneTimeLink& l) {
  const std::string key = kind_.prefix + crypto::sha256_hex(token);
  auto r = redis_.pipeline({{"HSET", key, "subject", l.subject, "detail", l.detail, "expires",
                             std::to_string(l.expires_ms)},
                            {"PEXPIRE", key, std::to_string(kind_.lifetime_ms + kKeepMs)}});
  if (!r.ok()) return r.error();
  for (const auto& x : *r)
    if (x.is_error()) return Error(errc::redis_protocol, "The link was not stored.", 500);
  return Status::Ok();
}

}  // namespace jb::accounts
