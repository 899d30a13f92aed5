// due_set.h — "what is due" sets: a sorted set of members scored by the time
// (unix ms) they are next due. claim_due() atomically takes the members due
// now and moves each one on, so however many processes poll, each member is
// handed out once per due time — the connection checks, the index builds and
// the scheduled sync pairs all use it.
//
// A member moves on by a fixed `interval_ms` (a lease: the claimer reschedules
// it properly when done), or, with per-member intervals, by the minutes read
// from a hash field of each member's own record (members whose interval is
// missing or 0 leave the set). The move counts from now, so an outage does not
// cause a burst of catch-up work.
//
// Thread-safety: stateless functions over the caller's connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/redis/client.h"

namespace jb::due {

Result<std::vector<std::string>> claim_due(RedisConnection& c, const std::string& key,
                                           int64_t now_ms, int64_t interval_ms, int limit);

// Per-member intervals: HGET <record_prefix><member> <minutes_field>.
Result<std::vector<std::string>> claim_due_every(RedisConnection& c, const std::string& key,
                                                 int64_t now_ms, const std::string& record_prefix,
                                                 const std::string& minutes_field, int limit);

}  // namespace jb::due
