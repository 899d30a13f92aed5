// delivery_queue.cpp — see delivery_queue.h.
#include "common/notify/delivery_queue.h"

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
  d.id = item.id;
  d.to = item.field("to");
  d.kind = item.field("kind");
  d.user_id = item.field("user_id");
  d.user_name = item.field("user_name");
  d.content = {item.field("subject"), item.field("text"), item.field("html")};
  return d;
}

}  // namespace jb::msg
