// vault.h — the token vault: Jellyfin tokens and API keys encrypted at rest.
//
// Secrets are sealed with XChaCha20-Poly1305 (common/core/crypto.h) under the
// primary key of the KeyRing, with the record id as associated data, so a
// sealed value copied to another record does not open. Keys come from
// JB_MASTER_KEY ("id:base64[,id:base64…]", first = primary) or the file named by
// JB_MASTER_KEY_FILE (one key per line). Only auth-service holds the keys;
// other services get credentials through the vault RPC (vault_rpc.h).
//
// Thread-safety: immutable after construction; safe to share.
#pragma once

#include <string>

#include "common/core/config.h"
#include "common/core/crypto.h"
#include "common/core/result.h"

namespace jb::auth {

class Vault {
 public:
  explicit Vault(crypto::KeyRing ring) : ring_(std::move(ring)) {}
  // Reads JB_MASTER_KEY / JB_MASTER_KEY_FILE; a problem is reported through the reader.
  static Result<Vault> from_config(ConfigReader& r);

  Result<std::string> seal(const std::string& record_id, const std::string& secret) const {
    return crypto::seal(ring_, secret, record_id);
  }
  Result<std::string> open(const std::string& record_id, const std::string& sealed) const {
    return crypto::open(ring_, sealed, record_id);
  }
  // True when the value was sealed with an older (non-primary) key.
  bool needs_reseal(const std::string& sealed) const {
    return crypto::sealed_key_id(sealed) != ring_.primary()->id;
  }
  const std::string& primary_key_id() const { return ring_.primary()->id; }
  // A key of its own for one purpose (crypto::derive_key from the primary key).
  std::string derive_key(uint64_t id, const char (&context)[9]) const {
    return crypto::derive_key(*ring_.primary(), id, context);
  }

 private:
  crypto::KeyRing ring_;
};

}  // namespace jb::auth
