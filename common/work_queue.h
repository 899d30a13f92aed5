// work_queue.h — the durable work queue: a Redis Stream consumed by the
// sync-worker consumer group (XREADGROUP / XACK / XAUTOCLAIM), with a
// dead-letter stream. Delivery is at least once; handlers are idempotent.
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

#include "common/redis.h"

namespace jb::workq {

struct Item {
  std::string id;  // stream entry id
  std::map<std::string, std::string> fields;
  int64_t deliveries = 1;
  std::string field(const std::string& k) const {
    auto it = fields.find(k);
    return it == fields.end() ? "" : it->second;
  }
};

struct Names {
  std::string stream, group, dead_letter;
};
Names default_names();

// Creates the group (and stream) if needed; BUSYGROUP is success.
Status ensure_group(RedisConnection& c, const Names& n);
Result<std::string> enqueue(RedisConnection& c, const Names& n,
                            const std::vector<std::pair<std::string, std::string>>& fields);
Result<std::vector<Item>> read_new(RedisConnection& c, const Names& n, const std::string& consumer,
                                   int count, int block_ms);
// Entries already delivered to this consumer and not acked (after a restart).
Result<std::vector<Item>> read_own_pending(RedisConnection& c, const Names& n,
                                           const std::string& consumer, int count);
// Takes over entries idle for at least min_idle_ms (a dead or stuck consumer's).
Result<std::vector<Item>> claim_stale(RedisConnection& c, const Names& n, const std::string& consumer,
                                     int64_t min_idle_ms, int count);
Status ack(RedisConnection& c, const Names& n, const std::string& id);
// Copies the entry with its error to the dead-letter stream and acks it, atomically.
Status dead_letter(RedisConnection& c, const Names& n, const Item& item, const std::string& error);
// Makes an entry immediately claimable by others (sets its idle time to idle_ms).
Status hand_back(RedisConnection& c, const Names& n, const std::string& consumer, const std::string& id,
                 int64_t idle_ms);
// Keeps an entry this consumer is still working on from being claimed by
// others (resets its idle time; call well within the lease).
Status touch(RedisConnection& c, const Names& n, const std::string& consumer, const std::string& id);
Result<int64_t> pending_count(RedisConnection& c, const Names& n);

// Parses an XREADGROUP/XRANGE-style entry list ([[id, [k, v, ...]], ...]).
std::vector<Item> parse_entries(const RedisReply& entries);

}  // namespace jb::workq
