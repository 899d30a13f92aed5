// redis_dump.cpp — see redis_dump.h.
#include "tests/support/redis_dump.h"

#include <functional>

namespace jb::testing {

Result<std::string> redis_dump(RedisConnection& redis) {
  std::string dump;
  std::string cursor = "0";
  do {
    auto scan = redis.command({"SCAN", cursor, "COUNT", "1000"});
    if (!scan.ok()) return scan.error();
    cursor = scan->elements[0].str;
    for (const auto& k : scan->elements[1].elements) {
      dump += k.str + "\n";
      auto type = redis.command({"TYPE", k.str});
      if (!type.ok()) return type.error();
      const std::string& t = type->str;
      RedisArgv cmd = t == "string" ? RedisArgv{"GET", k.str}
                      : t == "hash" ? RedisArgv{"HGETALL", k.str}
                      : t == "set"  ? RedisArgv{"SMEMBERS", k.str}
                      : t == "zset" ? RedisArgv{"ZRANGE", k.str, "0", "-1"}
                      : t == "list" ? RedisArgv{"LRANGE", k.str, "0", "-1"}
                                    : RedisArgv{"XRANGE", k.str, "-", "+"};
      auto value = redis.command(cmd);
      if (!value.ok()) return value.error();
      std::function<void(const RedisReply&)> add = [&](const RedisReply& r) {
        dump += r.str + "\n";
        for (const auto& x : r.elements) add(x);
      };
      add(*value);
    }
  } while (cursor != "0");
  return dump;
}

}  // namespace jb::testing
