// delivery_queue.h — the "msg.deliver" work items (issue 14, Messages): one
// rendered message for one channel, so each channel is retried alone. Written
// by sync-worker's msg.send step (fan-out) and by auth-service's channel test
// route; read by sync-worker's msg.deliver step (sync-worker/message_step.h).
//
// Item fields: type=msg.deliver, channel (email|discord|telegram|matrix|
// webhook), to (the address, chat id or room id; "" for discord and webhooks),
// kind, user_id, user_name, subject, text, html; on retries also delivery
// (the stable id) and attempt. The delivery's stable id is the first entry's
// id, the same on every retry. No secrets: the channel's secret comes from the
// vault at delivery.
//
// Backoff: a delivery that failed for a reason worth retrying is put back
// later (schedule_retry): the delay doubles per attempt from the base
// (JB_MSG_RETRY_BASE_MS), capped at an hour, and is at least what the
// receiver's Retry-After asked for. Redis key jb:msg:retry, zset: member = the
// next attempt's fields as JSON (the same member however often the failed
// attempt is redone), score = when it is due. release_due_retries() moves the
// due ones back to the urgent lane, each once, in one Lua script.
//
// Exactly once per key: with a non-empty `once` key the XADD happens only if
// SET NX of that key (kept 7 days) succeeds, in one Lua script — a msg.send
// redone after a crash does not fan out twice.
//
// Thread-safety: stateless functions over the caller's (thread-safe) pool.
#pragma once

#include <string>

#include "common/core/result.h"
#include "common/notify/message_delivery.h"
#include "common/redis/client.h"
#include "common/redis/work_queue.h"

namespace jb::msg {

// The entry id, or "" when `once` was used before.
Result<std::string> enqueue_delivery(RedisPool& redis, const std::string& channel,
                                     const Delivery& d, const std::string& once);
// The delivery an item carries (id = its "delivery" field, else the entry's id).
Delivery delivery_from_item(const workq::Item& item);

inline constexpr const char* kRetryKey = "jb:msg:retry";
inline constexpr int64_t kMaxRetryDelayMs = 3600000;
// The item's attempt (1 for the first).
int attempt_of(const workq::Item& item);
// Pure: the wait before the attempt after `attempt`: base·2^(attempt−1), at
// most an hour, at least retry_after_ms.
int64_t retry_delay_ms(int attempt, int64_t base_ms, int64_t retry_after_ms);
// Puts the item's next attempt in jb:msg:retry, due at at_ms.
Status schedule_retry(RedisPool& redis, const workq::Item& item, int64_t at_ms);
// Moves up to `limit` retries due by now_ms to the urgent lane: how many.
Result<int64_t> release_due_retries(RedisPool& redis, int64_t now_ms, int limit);

}  // namespace jb::msg
