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

}  // namespace

std::optional<int> run_cli(int argc, char** argv) {
  if (argc < 2) return std::nullopt;
  std::string cmd = argv[1];
  if (cmd == "generate-key") {
    std::string id = argc > 2 ? argv[2] : "k" + std::to_string(timeutil::now_unix_s());
    std::printf("%s\n", crypto::KeyRing::format(crypto::KeyRing::generate(id)).c_str());
    return 0;
  }
  if (cmd == "generate-curve-keypair") {
    auto kp = curve_keypair();
    std::printf("%s %s\n", kp.public_z85.c_str(), kp.secret_z85.c_str());
    return 0;
  }
  if (cmd == "rotate-vault") return rotate_vault();
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::printf(
        "usage: auth-service                         serve the API (configuration: JB_* variables, "
        "see README)\n"
        "       auth-service generate-key [id]       print a new vault master key (id:base64)\n"
        "       auth-service generate-curve-keypair  print a CURVE key pair (public secret)\n"
        "       auth-service rotate-vault            re-seal stored secrets with the primary "
        "key\n");
    return 0;
  }
  std::fprintf(stderr, "auth-service: unknown command '%s' (try --help)\n", cmd.c_str());
  return 2;
}

}  // namespace jb::auth
