// reseal.cpp — see reseal.h.
#include "auth-service/connections/reseal.h"

namespace jb::auth {

Result<int> reseal_connections(ConnectionStore& store, const Vault& vault) {
  auto ids = store.all_ids();
  if (!ids.ok()) return ids.error();
  int n = 0;
  for (const auto& id : *ids) {
    auto c = store.get(id);
    if (!c.ok()) return c.error();
    if (!c->has_value()) continue;
    Connection conn = **c;
    bool changed = false;
    if (!conn.token_sealed.empty() && vault.needs_reseal(conn.token_sealed)) {
      auto plain = vault.open(conn.id, conn.token_sealed);
      if (!plain.ok()) return plain.error();
      auto s = vault.seal(conn.id, *plain);
      if (!s.ok()) return s.error();
      conn.token_sealed = *s;
      changed = true;
    }
    if (!conn.qc_secret_sealed.empty() && vault.needs_reseal(conn.qc_secret_sealed)) {
      auto plain = vault.open(qc_secret_aad(conn.id), conn.qc_secret_sealed);
      if (!plain.ok()) return plain.error();
      auto s = vault.seal(qc_secret_aad(conn.id), *plain);
      if (!s.ok()) return s.error();
      conn.qc_secret_sealed = *s;
      changed = true;
    }
    if (changed) {
      if (auto s = store.save(conn); !s.ok()) return s.error();
      ++n;
    }
  }
  return n;
}

}  // namespace jb::auth
