// jellyfin_access.cpp — see jellyfin_access.h.
#include "auth-service/connections/jellyfin_access.h"

#include <map>
#include <memory>

namespace jb::auth {

jf::Client JellyfinAccess::client(const std::string& base_url, const std::string& device_id,
                                  const std::string& token) {
  thread_local std::map<const JellyfinAccess*, std::unique_ptr<HttpClient>> per_thread;
  auto& http = per_thread[this];
  if (!http) http = std::make_unique<HttpClient>(opts_.http);
  jf::ClientIdentity id;
  id.client = opts_.client_name;
  id.version = opts_.client_version;
  id.device = opts_.device_name;
  id.device_id = device_id;
  jf::Client c(*http, base_url, id, token);
  c.set_retry(opts_.retry);
  return c;
}

}  // namespace jb::auth
