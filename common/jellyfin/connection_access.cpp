// connection_access.cpp — see connection_access.h.
#include "common/jellyfin/connection_access.h"

namespace jb {

Result<std::unique_ptr<Access>> ConnectionAccess::open(const std::string& connection_id) {
  auto creds = vault_.credentials(connection_id);
  if (!creds.ok()) return creds.error();
  return client_for(*creds);
}

std::unique_ptr<Access> ConnectionAccess::client_for(const VaultCredentials& creds) {
  thread_local std::unique_ptr<HttpClient> http;
  if (!http) http = std::make_unique<HttpClient>(http_);
  jf::ClientIdentity id;
  id.device_id = creds.device_id;
  // Keyed by the URL we connect to, never by the Id the server reports (server_budget.h).
  auto gate = budget_ ? budget_->gate(creds.server_url) : nullptr;
  auto a = std::unique_ptr<Access>(
      new Access{creds, std::move(gate), jf::Client(*http, creds.server_url, id, creds.token)});
  a->client.set_retry(retry_);
  if (a->gate) a->client.set_gate(a->gate.get());
  return a;
}

}  // namespace jb
