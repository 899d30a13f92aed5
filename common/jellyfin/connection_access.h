// connection_access.h — a Jellyfin client for a connection, with credentials
// from the vault (CURVE RPC to auth-service) and, when a budget is given,
// every request admitted by the per-server concurrency budget. Credentials
// live only as long as the returned Access object (one job).
//
// Thread-safety: thread-safe; each Access belongs to the calling thread (its
// client uses that thread's HttpClient). A job that spreads its requests over
// several threads opens once and gives each thread its own client from the
// same credentials (client_for).
#pragma once

#include <memory>
#include <string>

#include "common/jellyfin/client.h"
#include "common/jellyfin/server_budget.h"
#include "common/jellyfin/vault_client.h"
#include "common/net/http_client.h"

namespace jb {

struct Access {
  VaultCredentials creds;
  std::unique_ptr<jf::RequestGate> gate;  // before client: outlives its use
  jf::Client client;
};

class ConnectionAccess {
 public:
  ConnectionAccess(VaultClient& vault, HttpClientOptions http, jf::RetryPolicy retry,
                   ServerBudget* budget = nullptr)
      : vault_(vault), http_(std::move(http)), retry_(retry), budget_(budget) {}
  Result<std::unique_ptr<Access>> open(const std::string& connection_id);
  // Another client for credentials already opened, on the calling thread (no vault call).
  std::unique_ptr<Access> client_for(const VaultCredentials& creds);

 private:
  VaultClient& vault_;
  HttpClientOptions http_;
  jf::RetryPolicy retry_;
  ServerBudget* budget_;
};

}  // namespace jb
