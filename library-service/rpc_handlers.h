// rpc_handlers.h — library-service's RPC surface (callers: auth-service for
// the public API after its ownership checks, and the sync workers).
//
//   ping                                  → {"service","redis"}
//   libraries     {connection_id, refresh} → {"libraries":[…], "whitelist_all", "fetched_at"}
//   whitelist_get {connection_id}          → {"library_ids","all","libraries":[{id,name,status}]}
//   whitelist_put {connection_id, library_ids} → same; 400 naming unknown ids
//   index_status  {connection_id}          → state, counts, unmatched, last build, duration…
//   index_refresh {connection_id, full}    → {"scheduled":true}
//   lookup        {connection_id, keys:[…]} → {"results":{key:[{"id","library_id"}]}}
//   series_keys   {connection_id, series_ids:[…]} → {"series":{id:[keys]}}
//   list          {connection_id, library_id?, cursor, limit} → {"items":[{"id","type"}],"next_cursor"}
//   unmatched     {connection_id, start, count} → {"items":[{"id","type","reason","name"}],"total"}
//
// Thread-safety: dispatch() is called concurrently from RPC pool threads.
#pragma once

#include <string>

#include "common/core/result.h"
#include "common/jellyfin/connection_access.h"
#include "common/redis/client.h"
#include "library-service/index_scheduler.h"
#include "library-service/index_store.h"
#include "library-service/libraries.h"

namespace jb::library {

class RpcHandlers {
 public:
  RpcHandlers(RedisPool& redis, Libraries* libraries = nullptr, IndexStore* index = nullptr,
              IndexScheduler* scheduler = nullptr, ConnectionAccess* access = nullptr)
      : redis_(redis), libs_(libraries), index_(index), sched_(scheduler), access_(access) {}
  Result<std::string> dispatch(const std::string& method, const std::string& payload);

 private:
  Result<std::string> ping();
  Result<std::string> libraries(const json::Value& p);
  Result<std::string> whitelist_get(const json::Value& p);
  Result<std::string> whitelist_put(const json::Value& p);
  Result<std::string> index_status(const json::Value& p);
  Result<std::string> index_refresh(const json::Value& p);
  Result<std::string> lookup(const json::Value& p);
  Result<std::string> series_keys(const json::Value& p);
  Result<std::string> list(const json::Value& p);
  Result<std::string> unmatched(const json::Value& p);
  Result<LibraryList> known_libraries(const std::string& conn, bool refresh);
  std::string whitelist_json(const std::vector<std::string>& wl, const LibraryList& known);

  RedisPool& redis_;
  Libraries* libs_;
  IndexStore* index_;
  IndexScheduler* sched_;
  ConnectionAccess* access_;
};

}  // namespace jb::library
