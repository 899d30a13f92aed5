// delivery_queue.cpp — see delivery_queue.h.
#include "common/notify/delivery_queue.h"

#include <algorithm>
#include <map>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/redis/keys.h"
#include "common/redis/script.h"

namespace jb::msg {

namespace {

constexpr int64_t kOnceKeepS = 7LL * 24 * 60 * 60;

// KEYS[1] once key ("" = none), KEYS[2] stream; ARGV[1] keep (s), ARGV[2..] field, value pairs.
const RedisScript kEnqueueDelivery(R"lua(
if KEYS[1] ~= '' then
  if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return '' end
end
local fields = {}
for i = 2, #ARGV do fields[#fields + 1] = ARGV[i] end
return redis.call('XADD', KEYS[2], '*', unpack(fields))
)lua");

// KEYS[1] retries, KEYS[2] stream; ARGV[1] now, ARGV[2] limit → how many were moved.
const RedisScript kRelease(R"lua(
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(due) do
  local f = cjson.decode(m)
  local args = {}
  for k, v in pairs(f) do
    args[#args + 1] = k
    args[#args + 1] = v
  end
  redis.call('XADD', KEYS[2], '*', unpack(args))
  redis.call('ZREM', KEYS[1], m)
end
return #due
)lua");

}  // namespace

Result<std::string> enqueue_delivery(RedisPool& redis, const std::string& channel,
                                     const Delivery& d, const std::string& once) {
  auto lease = redis.acquire();
  auto r = kEnqueueDelivery.run(
      *lease, {once, keys::work_urgent_stream()},
      {std::to_string(kOnceKeepS), "type", "msg.deliver", "channel", channel, "to", d.to, "kind",
       d.kind, "user_id", d.user_id, "user_name", d.user_name, "subject", d.content.subject, "text",
       d.content.text, "html", d.content.html});
  if (!r.ok()) return r.error();
  return r->str;
}

Delivery delivery_from_item(const workq::Item& item) {
  Delivery d;
  d.id = item.field("delivery").empty() ? item.id : item.field("delivery");
  d.to = item.field("to");
  d.kind = item.field("kind");
  d.user_id = item.field("user_id");
  d.user_name = item.field("user_name");
  d.content = {item.field("subject"), item.field("text"), item.field("html")};
  return d;
}

int attempt_of(const workq::Item& item) {
  int64_t n = 1;
  if (!text::parse_int64(item.field("attempt"), n) || n < 1) n = 1;
  return static_cast<int>(std::min<int64_t>(n, 1000));
}

int64_t retry_delay_ms(int attempt, int64_t base_ms, int64_t retry_after_ms) {
  int64_t d = std::max<int64_t>(base_ms, 1);
  for (int i = 1; i < attempt && d < kMaxRetryDelayMs; ++i) d *= 2;
  d = std::min(d, kMaxRetryDelayMs);
  return std::max(d, std::min(retry_after_ms, kMaxRetryDelayMs));
}

Status schedule_retry(RedisPool& redis, const workq::Item& item, int64_t at_ms) {
  std::map<std::string, std::string> f = item.fields;
  f["delivery"] = item.field("delivery").empty() ? item.id : item.field("delivery");
  f["attempt"] = std::to_string(attempt_of(item) + 1);
  json::Writer w;
  w.begin_object();
  for (const auto& [k, v] : f) w.kv(k, v);  // sorted: the same member when redone
  w.end_object();
  auto r = redis.command({"ZADD", kRetryKey, std::to_string(at_ms), w.str()});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<int64_t> release_due_retries(RedisPool& redis, int64_t now_ms, int limit) {
  auto lease = redis.acquire();
  auto r = kRelease.run(*lease, {kRetryKey, keys::work_urgent_stream()},
                        {std::to_string(now_ms), std::to_string(limit)});
  if (!r.ok()) return r.error();
  return r->integer;
}

}  // namespace jb::msg
