// library_client.h — the sync worker's typed view of library-service's RPC
// (rpc_handlers.h there): index status and refresh, key lookup, series keys.
//
// Thread-safety: thread-safe (RpcClientPool).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/core/result.h"
#include "common/net/rpc_pool.h"

namespace jb::worker {

struct IndexInfo {
  std::string state;  // none | building | ready | stale | failed
  int64_t version = 0;
  int64_t last_build_ms = 0;
  std::string last_error;
  std::vector<std::string> libraries;  // the libraries the index covers (the whitelist, or all)
  bool usable() const { return version > 0; }
};

struct ItemRef {
  std::string id, library_id;
};

class LibraryClient {
 public:
  explicit LibraryClient(RpcClientPool& rpc) : rpc_(rpc) {}
  Result<IndexInfo> index_status(const std::string& connection_id);
  Status index_refresh(const std::string& connection_id, bool full);
  // Text canonical keys → the items holding them (batches of at most 20000 keys).
  Result<std::map<std::string, std::vector<ItemRef>>> lookup(const std::string& connection_id,
                                                             const std::vector<std::string>& keys);
  // Series ids → their canonical series keys (text form).
  Result<std::map<std::string, std::vector<std::string>>> series_keys(
      const std::string& connection_id, const std::vector<std::string>& series_ids);

 private:
  Result<std::string> call(const std::string& method, const std::string& payload);
  RpcClientPool& rpc_;
};

}  // namespace jb::worker
