// invite_notice.h — telling the admins an invite names (its `notify` list of
// Jellyfin user ids) that someone signed up with it (invite_used, sent by
// auth-service's sign-up) and that its time is over (invite_expired, sent by
// the sync workers when the invite's expiry comes due). Messages go through
// the message queue (common/notify/message.h), once per (invite, event,
// admin) by their dedupe ids, however often a step is redone.
//
// Redis keys:
//   jb:invite:<id>      hash (auth-service/accounts/invite_store.h): label,
//                       expires, uses, notify = comma list of admin user ids
//   jb:invite:expiry    zset  <id> → its expiry (ms), only for invites that
//                       name admins to notify; claimed once by the workers
//
// Thread-safety: stateless functions over the caller's pool.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/core/result.h"
#include "common/redis/client.h"

namespace jb::accounts {

inline constexpr const char* kInviteExpiryDueKey = "jb:invite:expiry";
inline constexpr size_t kMaxInviteNotify = 10;

// "a,b" ↔ {a, b}.
std::string join_notify(const std::vector<std::string>& ids);
std::vector<std::string> split_notify(const std::string& text);

// An invite_used message to each admin the invite names.
Status notify_invite_used(RedisPool& redis, const std::string& invite_id,
                          const std::string& new_user_id, const std::string& new_user_name);

// invite_expired to each admin the invite names, when it has expired by now_ms
// (an invite deleted or moved into the future since: nothing). Answers
// whether the invite is done with (false: its expiry is still ahead).
Result<bool> notify_invite_expired(RedisPool& redis, const std::string& invite_id, int64_t now_ms);

}  // namespace jb::accounts
