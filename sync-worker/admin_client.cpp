// admin_client.cpp — see admin_client.h.
#include "sync-worker/admin_client.h"

namespace jb::worker {

Result<std::unique_ptr<Access>> AdminClient::open() {
  auto r = redis_.command({"HGET", accounts::kAdminConnectionKey, "connection_id"});
  if (!r.ok()) return r.error();
  if (!r->is_string() || r->str.empty())
    return Error(errc::admin_connection_missing, "No admin connection is designated.", 503);
  return access_.open(r->str);
}

}  // namespace jb::worker
