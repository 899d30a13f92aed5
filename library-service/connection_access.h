// connection_access.h — a Jellyfin client for a connection, with credentials
// from the vault (CURVE RPC to auth-service). Credentials live only as long as
// the returned Access object (one job).
//
// Thread-safety: thread-safe; each Access belongs to the calling thread (its
// client uses that thread's HttpClient).
#pragma once

#include <memory>
#include <string>

#include "common/http_client.h"
#include "common/jellyfin.h"
#include "common/vault_client.h"

namespace jb::library {

struct Access {
  VaultCredentials creds;
  jf::Client client;
};

class ConnectionAccess {
 public:
  ConnectionAccess(VaultClient& vault, HttpClientOptions http, jf::RetryPolicy retry)
      : vault_(vault), http_(std::move(http)), retry_(retry) {}
  Result<std::unique_ptr<Access>> open(const std::string& connection_id);

 private:
  VaultClient& vault_;
  HttpClientOptions http_;
  jf::RetryPolicy retry_;
};

}  // namespace jb::library
