// script.h — a Lua script run with EVALSHA, falling back to EVAL when
// the server does not have it cached yet (after a restart, or the first time).
//
// Thread-safety: a RedisScript is immutable after construction and may be
// shared; run() uses the caller's connection.
#pragma once

#include <string>
#include <vector>

#include "common/redis/client.h"

namespace jb {

class RedisScript {
 public:
  explicit RedisScript(std::string source);
  Result<RedisReply> run(RedisConnection& c, const std::vector<std::string>& keys,
                         const std::vector<std::string>& args) const;
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace jb
