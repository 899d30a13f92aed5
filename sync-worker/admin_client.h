// admin_client.h — the workers' way to act as the home server's administrator
// (account expiry, bulk jobs): the admin connection designated in auth-service
// (Redis hash jb:admin:connection, field connection_id; see
// auth-service/accounts/admin_access.h) opened through the vault like any
// other connection. No admin connection → admin_connection_missing (503), a
// reason to retry later, not to give up on the work.
//
// Thread-safety: thread-safe (its deps are); each Access belongs to the caller's thread.
#pragma once

#include <memory>
#include <string>

#include "common/accounts/admin_connection.h"
#include "common/jellyfin/connection_access.h"
#include "common/redis/client.h"

namespace jb::worker {

class AdminClient {
 public:
  AdminClient(RedisPool& redis, ConnectionAccess& access) : redis_(redis), access_(access) {}
  // A client with the admin connection's credentials, for the calling thread.
  Result<std::unique_ptr<Access>> open();

 private:
  RedisPool& redis_;
  ConnectionAccess& access_;
};

}  // namespace jb::worker
