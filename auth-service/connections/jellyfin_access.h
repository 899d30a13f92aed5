// jellyfin_access.h — hands out Jellyfin clients for a server URL and a
// connection's DeviceId, on the calling thread's own HttpClient (connections
// are reused per thread; libcurl handles are not shared between threads).
//
// Thread-safety: thread-safe; each returned Client belongs to the calling thread.
#pragma once

#include <string>

#include "common/jellyfin/client.h"
#include "common/net/http_client.h"

namespace jb::auth {

struct JellyfinAccessOptions {
  HttpClientOptions http;
  jf::RetryPolicy retry;
  std::string client_name = "Jellybridge";
  std::string client_version = "1.0.0";
  std::string device_name = "Jellybridge";
};

class JellyfinAccess {
 public:
  explicit JellyfinAccess(JellyfinAccessOptions opts) : opts_(std::move(opts)) {}
  jf::Client client(const std::string& base_url, const std::string& device_id,
                    const std::string& token = "");
  const JellyfinAccessOptions& options() const { return opts_; }

 private:
  JellyfinAccessOptions opts_;
};

}  // namespace jb::auth
