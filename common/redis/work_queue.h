// work_queue.h — the durable work queue: a Redis Stream consumed by the
// sync-worker consumer group (XREADGROUP / XACK / XAUTOCLAIM), with a
// dead-letter stream. Delivery is at least once; handlers are idempotent.
//
// Two lanes: urgent work (a run's diff, applies and release: the steps that
// finish runs already under way) goes to its own stream, read before the
// normal one (plans and scans, which start runs), so a run that has finished
// scanning goes on to write while other runs still scan, instead of waiting
// behind every scan queued before its diff. Each lane is a stream with the
// same consumer group; an entry's lane is the stream it was read from
// (Item::stream), and every call about an entry is made on that lane
// (Names::lane). One dead-letter stream serves both.
//
// Producers call enqueue(). Consumers read new entries, re-read their own
// pending entries after a restart, claim entries other consumers left idle past
// the lease, ack on success, dead-letter entries that fail permanently or too
// often, and hand back entries they will not process (shutdown) so others can
// claim them at once.
//
// Thread-safety: stateless functions over the caller's connection.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/redis/client.h"

namespace jb::workq {

struct Item {
  std::string id;  // stream entry id (unique within its stream)
  std::map<std::string, std::string> fields;
  int64_t deliveries = 1;
  std::string stream;  // the lane's stream it was read from ("" = the queue's normal stream)
  std::string field(const std::string& k) const {
    auto it = fields.find(k);
    return it == fields.end() ? "" : it->second;
  }
};

struct Names {
  std::string stream, group, dead_letter;
  std::string urgent;  // the urgent lane's stream, read first ("" = one lane)

  // The same queue with `lane` as its only stream: for calls about one entry
  // (ack, renew, hand back, dead-letter, ownership) and for enqueueing to a lane.
  Names lane(const std::string& lane_stream) const;
  Names urgent_lane() const { return lane(urgent.empty() ? stream : urgent); }
  Names normal_lane() const { return lane(stream); }
  // The lanes in reading order (urgent first).
  std::vector<std::string> lanes() const;
};
Names default_names();

// Creates the group (and stream) of every lane if needed; BUSYGROUP is success.
Status ensure_group(RedisConnection& c, const Names& n);
Result<std::string> enqueue(RedisConnection& c, const Names& n,
                            const std::vector<std::pair<std::string, std::string>>& fields);
// New entries: up to `count` from the urgent lane when it has any; otherwise
// one blocking read of every lane, taking at most one normal entry (so a
// worker never sits on scans while urgent work arrives) and up to `count` urgent ones.
Result<std::vector<Item>> read_new(RedisConnection& c, const Names& n, const std::string& consumer,
                                   int count, int block_ms);
// Entries already delivered to this consumer and not acked (after a restart).
Result<std::vector<Item>> read_own_pending(RedisConnection& c, const Names& n,
                                           const std::string& consumer, int count);
// Takes over entries idle for at least min_idle_ms (a dead or stuck consumer's).
Result<std::vector<Item>> claim_stale(RedisConnection& c, const Names& n,
                                      const std::string& consumer, int64_t min_idle_ms, int count);
// Ownership: an entry belongs to the consumer it was last delivered or claimed
// to. The calls below that take a consumer act only while that consumer still
// owns the entry (checked and done in one Lua script), so a consumer that lost
// an entry to another (its lease ran out) can neither renew, hand back, ack nor
// dead-letter it. `ack` without a consumer is for tools and tests.
Status ack(RedisConnection& c, const Names& n, const std::string& id);
// Acks the entry if `consumer` owns it; false when it does not (any more).
Result<bool> ack_owned(RedisConnection& c, const Names& n, const std::string& consumer,
                       const std::string& id);
// Copies the entry with its error to the dead-letter stream and acks it,
// atomically, if `consumer` owns it; false when it does not.
Result<bool> dead_letter(RedisConnection& c, const Names& n, const std::string& consumer,
                         const Item& item, const std::string& error);
// Makes an entry this consumer owns immediately claimable by others (sets its
// idle time to idle_ms); false when it is not ours.
Result<bool> hand_back(RedisConnection& c, const Names& n, const std::string& consumer,
                       const std::string& id, int64_t idle_ms);
// Renews this consumer's lease on an entry (resets its idle time to 0); false
// when the entry is no longer ours (claimed by another, acked or deleted).
Result<bool> renew(RedisConnection& c, const Names& n, const std::string& consumer,
                   const std::string& id);
// Whether `consumer` owns the entry now.
Result<bool> owns(RedisConnection& c, const Names& n, const std::string& consumer,
                  const std::string& id);
// The Lua guard the scripts above use, for scripts elsewhere that must only
// write while a consumer owns its entry: with KEYS[k] = stream and
// ARGV[a], ARGV[a+1], ARGV[a+2] = group, consumer, entry id,
//   if not jb_owns(KEYS[k], ARGV[a], ARGV[a+1], ARGV[a+2]) then return -1 end
// (prepend `owner_guard_lua()` to the script's source).
const char* owner_guard_lua();
Result<int64_t> pending_count(RedisConnection& c, const Names& n);

// Parses an XREADGROUP/XRANGE-style entry list ([[id, [k, v, ...]], ...]) of `stream`.
std::vector<Item> parse_entries(const RedisReply& entries, const std::string& stream = "");

}  // namespace jb::workq
