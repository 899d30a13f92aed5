// account_clock.cpp — see account_clock.h.
#include "common/accounts/account_clock.h"

#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::accounts {

std::function<int64_t()> account_clock(RedisPool& redis, bool test_clock) {
  if (!test_clock) return [] { return timeutil::now_unix_ms(); };
  return [&redis] {
    int64_t offset = 0;
    auto r = redis.command({"GET", kTestClockKey});
    if (!r.ok() || !r->is_string() || !text::parse_int64(r->str, offset)) offset = 0;
    return timeutil::now_unix_ms() + offset;
  };
}

}  // namespace jb::accounts
