// reseal.h — after a vault key rotation (`auth-service rotate-vault`):
// re-seals every stored connection secret (tokens, API keys, Quick Connect
// secrets) that is not sealed under the vault's primary key yet.
//
// Thread-safety: run once from the command line; safe to run again (secrets
// already under the primary key are left alone).
#pragma once

#include "auth-service/connections/connection_store.h"
#include "auth-service/vault/vault.h"
#include "common/core/result.h"

namespace jb::auth {

// Re-seals what needs it; returns how many connections changed.
Result<int> reseal_connections(ConnectionStore& store, const Vault& vault);

}  // namespace jb::auth
