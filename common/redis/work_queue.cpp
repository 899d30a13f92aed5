// work_queue.cpp — see work_queue.h.
#include "common/redis/work_queue.h"

#include <algorithm>
#include <map>

#include "common/core/text.h"
#include "common/redis/keys.h"
#include "common/redis/script.h"

namespace jb::workq {

namespace {

const char kOwnerGuard[] = R"lua(
local function jb_owns(stream, group, consumer, id)
  local p = redis.call('XPENDING', stream, group, id, id, 1, consumer)
  return #p == 1
end
)lua";

std::string guarded(const char* body) {
  return std::string(kOwnerGuard) + body;
}

// KEYS[1] stream, KEYS[2] dead letters; ARGV group, consumer, id, fields... →
// 1 moved, 0 not ours. XADD and XACK happen together or not at all.
const RedisScript kDeadLetter(guarded(R"lua(
if not jb_owns(KEYS[1], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
local args = {}
for i = 4, #ARGV do args[#args + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', '100000', '*', unpack(args))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
return 1
)lua"));

// KEYS[1] stream; ARGV group, consumer, id → 1 acked, 0 not ours.
const RedisScript kAckOwned(guarded(R"lua(
if not jb_owns(KEYS[1], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
return 1
)lua"));

// KEYS[1] stream; ARGV group, consumer, id, idle ms → 1 set, 0 not ours.
// XCLAIM to the owner itself with JUSTID resets the idle time without
// counting a delivery.
const RedisScript kSetIdle(guarded(R"lua(
if not jb_owns(KEYS[1], ARGV[1], ARGV[2], ARGV[3]) then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'IDLE', ARGV[4], 'JUSTID')
return 1
)lua"));

// KEYS[1] stream; ARGV group, consumer, id → 1 ours, 0 not.
const RedisScript kOwns(guarded(R"lua(
if jb_owns(KEYS[1], ARGV[1], ARGV[2], ARGV[3]) then return 1 end
return 0
)lua"));

Result<bool> flag(const Result<RedisReply>& r) {
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

}  // namespace

const char* owner_guard_lua() {
  return kOwnerGuard;
}

Names default_names() {
  return {keys::work_stream(), keys::work_group(), keys::work_dead_letter(),
          keys::work_urgent_stream()};
}

Names Names::lane(const std::string& lane_stream) const {
  return {lane_stream, group, dead_letter, ""};
}

std::vector<std::string> Names::lanes() const {
  if (urgent.empty() || urgent == stream) return {stream};
  return {urgent, stream};
}

std::vector<Item> parse_entries(const RedisReply& entries, const std::string& stream) {
  std::vector<Item> out;
  if (!entries.is_array()) return out;
  for (const auto& e : entries.elements) {
    // A trimmed/deleted entry still in the PEL comes back as [id, nil].
    if (!e.is_array() || e.elements.size() < 2) continue;
    Item it;
    it.stream = stream;
    it.id = e.elements[0].str;
    const auto& kv = e.elements[1];
    if (!kv.is_array()) {
      it.fields["_deleted"] = "1";
    } else {
      it.fields = kv.as_map();
    }
    out.push_back(std::move(it));
  }
  return out;
}

Status ensure_group(RedisConnection& c, const Names& n) {
  for (const auto& lane : n.lanes()) {
    auto r = c.command({"XGROUP", "CREATE", lane, n.group, "0", "MKSTREAM"});
    if (!r.ok() && r.error().message.find("BUSYGROUP") == std::string::npos) return r.error();
  }
  return Status::Ok();
}

Result<std::string> enqueue(RedisConnection& c, const Names& n,
                            const std::vector<std::pair<std::string, std::string>>& fields) {
  RedisArgv argv{"XADD", n.stream, "*"};
  for (const auto& [k, v] : fields) {
    argv.push_back(k);
    argv.push_back(v);
  }
  auto r = c.command(argv);
  if (!r.ok()) return r.error();
  return r->str;
}

// XREADGROUP over `lanes` (each from `from`); entries come back per lane, in lane order.
static Result<std::vector<Item>> read_group(RedisConnection& c, const Names& n,
                                            const std::vector<std::string>& lanes,
                                            const std::string& consumer, int count, int block_ms,
                                            const std::string& from) {
  RedisArgv argv{"XREADGROUP", "GROUP", n.group, consumer, "COUNT", std::to_string(count)};
  if (block_ms >= 0) {
    argv.push_back("BLOCK");
    argv.push_back(std::to_string(block_ms));
  }
  argv.push_back("STREAMS");
  argv.insert(argv.end(), lanes.begin(), lanes.end());
  for (size_t i = 0; i < lanes.size(); ++i) argv.push_back(from);
  auto r = c.command_with_timeout(argv, std::max(block_ms, 0) + 2000);
  if (!r.ok()) {
    // The group vanished (FLUSHALL, a new Redis): recreate and report no work this time.
    if (r.error().message.find("NOGROUP") != std::string::npos) {
      if (auto s = ensure_group(c, n); !s.ok()) return s.error();
      return std::vector<Item>{};
    }
    return r.error();
  }
  std::vector<Item> out;
  if (r->is_nil() || !r->is_array()) return out;
  // [[stream, entries], ...]
  std::map<std::string, std::vector<Item>> by_lane;
  for (const auto& lane : r->elements) {
    if (!lane.is_array() || lane.elements.size() < 2) continue;
    by_lane[lane.elements[0].str] = parse_entries(lane.elements[1], lane.elements[0].str);
  }
  for (const auto& lane : lanes) {
    auto it = by_lane.find(lane);
    if (it == by_lane.end()) continue;
    for (auto& item : it->second) out.push_back(std::move(item));
  }
  return out;
}

// Re-reading or claiming does not bump the delivery counter in the reply: fetch it.
static void fill_deliveries(RedisConnection& c, const Names& n, std::vector<Item>& items) {
  for (auto& it : items) {
    auto p = c.command({"XPENDING", it.stream, n.group, it.id, it.id, "1"});
    if (p.ok() && p->is_array() && !p->elements.empty() && p->elements[0].elements.size() >= 4)
      it.deliveries = p->elements[0].elements[3].integer;
  }
}

Result<std::vector<Item>> read_new(RedisConnection& c, const Names& n, const std::string& consumer,
                                   int count, int block_ms) {
  const auto lanes = n.lanes();
  if (lanes.size() == 1) return read_group(c, n, lanes, consumer, count, block_ms, ">");
  auto urgent = read_group(c, n, {lanes[0]}, consumer, count, -1, ">");
  if (!urgent.ok() || !urgent->empty()) return urgent;
  return read_group(c, n, lanes, consumer, 1, block_ms, ">");
}

Result<std::vector<Item>> read_own_pending(RedisConnection& c, const Names& n,
                                           const std::string& consumer, int count) {
  auto items = read_group(c, n, n.lanes(), consumer, count, -1, "0");
  if (!items.ok()) return items;
  fill_deliveries(c, n, *items);
  return items;
}

Result<std::vector<Item>> claim_stale(RedisConnection& c, const Names& n,
                                      const std::string& consumer, int64_t min_idle_ms, int count) {
  std::vector<Item> items;
  for (const auto& lane : n.lanes()) {
    if (static_cast<int>(items.size()) >= count) break;
    auto r = c.command({"XAUTOCLAIM", lane, n.group, consumer, std::to_string(min_idle_ms), "0-0",
                        "COUNT", std::to_string(count - static_cast<int>(items.size()))});
    if (!r.ok()) {
      if (r.error().message.find("NOGROUP") != std::string::npos) {
        if (auto s = ensure_group(c, n); !s.ok()) return s.error();
        continue;
      }
      return r.error();
    }
    if (!r->is_array() || r->elements.size() < 2) continue;
    for (auto& it : parse_entries(r->elements[1], lane)) items.push_back(std::move(it));
  }
  fill_deliveries(c, n, items);
  return items;
}

Status ack(RedisConnection& c, const Names& n, const std::string& id) {
  auto r = c.command({"XACK", n.stream, n.group, id});
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<bool> ack_owned(RedisConnection& c, const Names& n, const std::string& consumer,
                       const std::string& id) {
  return flag(kAckOwned.run(c, {n.stream}, {n.group, consumer, id}));
}

Result<bool> dead_letter(RedisConnection& c, const Names& n, const std::string& consumer,
                         const Item& item, const std::string& error) {
  std::vector<std::string> args{n.group,       consumer,     item.id,
                                "original_id", item.id,      "error",
                                error,         "deliveries", std::to_string(item.deliveries)};
  for (const auto& [k, v] : item.fields) {
    args.push_back("f." + k);
    args.push_back(v);
  }
  return flag(kDeadLetter.run(c, {n.stream, n.dead_letter}, args));
}

Result<bool> hand_back(RedisConnection& c, const Names& n, const std::string& consumer,
                       const std::string& id, int64_t idle_ms) {
  return flag(kSetIdle.run(c, {n.stream}, {n.group, consumer, id, std::to_string(idle_ms)}));
}

Result<bool> renew(RedisConnection& c, const Names& n, const std::string& consumer,
                   const std::string& id) {
  return hand_back(c, n, consumer, id, 0);
}

Result<bool> owns(RedisConnection& c, const Names& n, const std::string& consumer,
                  const std::string& id) {
  return flag(kOwns.run(c, {n.stream}, {n.group, consumer, id}));
}

Result<int64_t> pending_count(RedisConnection& c, const Names& n) {
  int64_t total = 0;
  for (const auto& lane : n.lanes()) {
    auto r = c.command({"XPENDING", lane, n.group});
    if (!r.ok()) return r.error();
    if (r->is_array() && !r->elements.empty()) total += r->elements[0].integer;
  }
  return total;
}

}  // namespace jb::workq
