// account_record.cpp — see account_record.h.
#include "common/accounts/account_record.h"

#include "common/core/text.h"

namespace jb::accounts {

std::string account_record_key(const std::string& user_id) {
  return "jb:account:" + user_id;
}

Result<AccountRecord> read_account(RedisPool& redis, const std::string& user_id) {
  auto r =
      redis.command({"HMGET", account_record_key(user_id), "invite", "created", "expires", "name"});
  if (!r.ok()) return r.error();
  AccountRecord out;
  out.user_id = user_id;
  if (!r->is_array() || r->elements.size() != 4) return out;
  const auto& e = r->elements;
  out.exists = !e[1].is_nil() || !e[2].is_nil() || !e[3].is_nil();
  out.invite = e[0].str;
  if (!text::parse_int64(e[1].str, out.created_ms)) out.created_ms = 0;
  if (!text::parse_int64(e[2].str, out.expires_ms)) out.expires_ms = 0;
  out.name = e[3].str;
  return out;
}

Status set_expiry(RedisPool& redis, const std::string& user_id, int64_t expires_ms,
                  const std::string& name) {
  const std::string key = account_record_key(user_id);
  std::vector<RedisArgv> cmds{{"MULTI"}};
  RedisArgv hset{"HSET", key, "expires", std::to_string(expires_ms > 0 ? expires_ms : 0)};
  if (!name.empty()) {
    hset.push_back("name");
    hset.push_back(name);
  }
  cmds.push_back(std::move(hset));
  // Due now even when cleared: an account disabled by its expiry is enabled again.
  cmds.push_back({"ZADD", kExpiryDueKey, kDueNow, user_id});
  cmds.push_back({"EXEC"});
  auto r = redis.pipeline(cmds);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

int64_t extended_expiry(int64_t previous_ms, int64_t now_ms, int64_t delta_ms) {
  return (previous_ms > 0 ? previous_ms : now_ms) + delta_ms;
}

}  // namespace jb::accounts
