// account_clock.h — the clock account work runs by (links' expiry, account
// expiry, reminders). In production it is the system clock; with the test
// setting JB_TEST_CLOCK it is the system clock plus the offset in the Redis
// key jb:test:clock_offset_ms, so end-to-end tests move time by days for
// every service at once without waiting.
//
// Thread-safety: the returned function is thread-safe (RedisPool).
#pragma once

#include <cstdint>
#include <functional>

#include "common/redis/client.h"

namespace jb::accounts {

inline constexpr const char* kTestClockKey = "jb:test:clock_offset_ms";

// The system clock (test_clock false), or the system clock moved by the Redis key.
std::function<int64_t()> account_clock(RedisPool& redis, bool test_clock);

}  // namespace jb::accounts
