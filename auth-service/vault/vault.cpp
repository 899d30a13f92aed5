// vault.cpp — see vault.h.
#include "auth-service/vault/vault.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "common/core/crypto.h"

namespace jb::auth {

Result<Vault> Vault::from_config(ConfigReader& r) {
  std::string inline_key = r.secret("JB_MASTER_KEY");
  std::string file = r.str("JB_MASTER_KEY_FILE", "");
  std::string text;
  const char* source = "JB_MASTER_KEY";
  if (!inline_key.empty()) {
    text = inline_key;
  } else if (!file.empty()) {
    source = "JB_MASTER_KEY_FILE";
    std::ifstream f(file);
    if (!f) {
      r.add_problem("JB_MASTER_KEY_FILE",
                    "config error: JB_MASTER_KEY_FILE='" + file + "' cannot be read");
      return Error(errc::invalid_master_key, "unreadable key file");
    }
    struct stat st {};
    if (stat(file.c_str(), &st) == 0 && (st.st_mode & 0077) != 0)
      r.add_problem("JB_MASTER_KEY_FILE", "config error: JB_MASTER_KEY_FILE='" + file +
                                              "' is readable by other users; chmod 600 it");
    std::stringstream ss;
    ss << f.rdbuf();
    text = ss.str();
  } else {
    r.missing("JB_MASTER_KEY",
              "or JB_MASTER_KEY_FILE: the key that encrypts stored Jellyfin tokens; "
              "`auth-service generate-key` makes one");
    return Error(errc::invalid_master_key, "no key");
  }
  auto ring = crypto::KeyRing::parse(text);
  if (!ring.ok()) {
    r.add_problem(source, std::string("config error: ") + source + " " + ring.error().message);
    return ring.error();
  }
  return Vault(std::move(*ring));
}

}  // namespace jb::auth
