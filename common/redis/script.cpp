// script.cpp — see script.h.
#include "common/redis/script.h"

#include <openssl/sha.h>

#include "common/core/text.h"
#include "common/redis/client.h"

namespace jb {

RedisScript::RedisScript(std::string source) : source_(std::move(source)) {
  unsigned char d[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(source_.data()), source_.size(), d);
  sha1_ = text::hex_encode(d, sizeof d);
}

Result<RedisReply> RedisScript::run(RedisConnection& c, const std::vector<std::string>& keys,
                                    const std::vector<std::string>& args) const {
  RedisArgv argv{"EVALSHA", sha1_, std::to_string(keys.size())};
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = c.command(argv);
  if (!r.ok() && r.error().code == errc::redis_error &&
      r.error().message.find("NOSCRIPT") != std::string::npos) {
    argv[0] = "EVAL";
    argv[1] = source_;
    r = c.command(argv);
  }
  return r;
}

}  // namespace jb
