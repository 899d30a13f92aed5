// cli.cpp — see cli.h.
#include "auth-service/cli.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "auth-service/config.h"
#include "auth-service/connections/connection_store.h"
#include "auth-service/connections/reseal.h"
#include "auth-service/notify/channel_store.h"
#include "common/core/crypto.h"
#include "common/core/log.h"
#include "common/core/time.h"
#include "common/net/rpc.h"

namespace jb::auth {

namespace {

int rotate_vault() {
  Env env = Env::from_process();
  ConfigReader reader(env);
  Config cfg = load_config(reader);
  reader.exit_on_error();
  RedisPool redis(cfg.common.redis, 2);
  ConnectionStore store(redis);
  auto n = reseal_connections(store, *cfg.vault);
  if (!n.ok()) {
    std::fprintf(stderr, "rotate-vault failed: %s\n", n.error().message.c_str());
    return 1;
  }
  ChannelStore channels(redis, *cfg.vault, 0);
  auto c = channels.reseal();
  if (!c.ok()) {
    std::fprintf(stderr, "rotate-vault failed on notification channels: %s\n",
                 c.error().message.c_str());
    return 1;
  }
  std::printf("re-sealed %d connection(s) and %d notification channel(s) with key '%s'\n", *n, *c,
              cfg.vault->primary_key_id().c_str());
  return 0;
}

// generate-curve-keypair [--count N] [--without CHARS]: N pairs (1..100), each
// drawn again while either key holds one of CHARS (at most 1000 draws a pair).
int generate_curve_keypairs(int argc, char** argv) {
  long count = 1;
  std::string without;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--count" && i + 1 < argc) {
      char* end = nullptr;
      count = std::strtol(argv[++i], &end, 10);
      if (end == nullptr || *end != '\0' || count < 1 || count > 100) {
        std::fprintf(stderr, "auth-service: --count takes a number from 1 to 100\n");
        return 2;
      }
    } else if (a == "--without" && i + 1 < argc) {
      without = argv[++i];
    } else {
      std::fprintf(stderr, "auth-service: generate-curve-keypair: unknown argument '%s'\n",
                   a.c_str());
      return 2;
    }
  }
  for (long n = 0; n < count; ++n) {
    bool drawn = false;
    for (int draw = 0; draw < 1000 && !drawn; ++draw) {
      auto kp = curve_keypair();
      if ((kp.public_z85 + kp.secret_z85).find_first_of(without) != std::string::npos) continue;
      std::printf("%s %s\n", kp.public_z85.c_str(), kp.secret_z85.c_str());
      drawn = true;
    }
    if (!drawn) {
      std::fprintf(stderr, "auth-service: no CURVE key pair without '%s' in 1000 draws\n",
                   without.c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace

std::optional<int> run_cli(int argc, char** argv) {
  if (argc < 2) return std::nullopt;
  std::string cmd = argv[1];
  if (cmd == "generate-key") {
    std::string id = argc > 2 ? argv[2] : "k" + std::to_string(timeutil::now_unix_s());
    std::printf("%s\n", crypto::KeyRing::format(crypto::KeyRing::generate(id)).c_str());
    return 0;
  }
  if (cmd == "generate-curve-keypair") return generate_curve_keypairs(argc, argv);
  if (cmd == "rotate-vault") return rotate_vault();
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::printf(
        "usage: auth-service                         serve the API (configuration: JB_* variables, "
        "see README)\n"
        "       auth-service generate-key [id]       print a new vault master key (id:base64)\n"
        "       auth-service generate-curve-keypair [--count N] [--without CHARS]\n"
        "                                            print N CURVE key pairs (public secret), "
        "none holding any of CHARS\n"
        "       auth-service rotate-vault            re-seal stored secrets with the primary "
        "key\n");
    return 0;
  }
  std::fprintf(stderr, "auth-service: unknown command '%s' (try --help)\n", cmd.c_str());
  return 2;
}

}  // namespace jb::auth
