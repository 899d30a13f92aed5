// delivery_queue.h — the "msg.deliver" work items (issue 14, Messages): one
// rendered message for one channel, so each channel is retried alone. Written
// by sync-worker's msg.send step (fan-out) and by auth-service's channel test
// route; read by sync-worker's msg.deliver step (sync-worker/message_step.h).
//
// Item fields: type=msg.deliver, channel (email|discord|telegram|matrix|
// webhook), to (the address, chat id or room id; "" for discord and webhooks),
// kind, user_id, user_name, subject, text, html. The delivery's stable id is
// the entry's id. No secrets: the channel's secret comes from the vault at
// delivery.
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
// The delivery an item carries (id = the entry's id).
Delivery delivery_from_item(const workq::Item& item);

}  // namespace jb::msg
