// standin.h — test support: a Jellyfin stand-in process (tests/standin) on a
// free port, plus helpers for its test-control API (/__standin/…) and for
// calling its Jellyfin API directly (as an admin, for setup).
//
// Thread-safety: one test thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/core/result.h"
#include "common/net/http_client.h"
#include "tests/support/process.h"

namespace jb::testing {

class Standin {
 public:
  // Default: the demo users (demo/demo-password, admin/admin-password), cheap hashing.
  explicit Standin(std::vector<std::string> args = {});
  ~Standin();
  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  // On the address of a `--host` argument (127.0.0.1 without one).
  std::string url() const { return "http://" + host_ + ":" + std::to_string(port_); }
  Process& process() { return *proc_; }

  // Test control (JSON in/out); errors when the stand-in answers >= 400.
  Result<json::Document> control(const std::string& method, const std::string& path,
                                 const std::string& body = "");
  Status approve_quickconnect(const std::string& code, const std::string& user = "demo");
  Status add_fault(const std::string& json_body);
  Status clear_faults();
  Status advance_clock(int64_t seconds);
  Status set_config(const std::string& json_body);
  // Requests counted for a route key such as "GET /Items" (0 if none).
  int64_t requests(const std::string& route_key);
  int64_t total_requests();
  Status reset_counters();
  // Jellyfin requests the stand-in is handling now and the most at once since the
  // start or the last reset (GET /__standin/inflight; control requests are not counted).
  struct InFlight {
    int64_t current = 0;
    int64_t max = 0;
  };
  Result<InFlight> in_flight();
  // Starts a new measurement: the maximum becomes the current count.
  Status reset_in_flight();

  // The Jellyfin API itself, with `MediaBrowser` authorization (token may be empty).
  Result<HttpResponse> api(const std::string& method, const std::string& path,
                           const std::string& token = "", const std::string& body = "",
                           const std::string& device_id = "test-device");
  // Signs in (AuthenticateByName) and returns the access token.
  Result<std::string> login(const std::string& user, const std::string& password,
                            const std::string& device_id = "test-device");
  // Creates a user (as admin) and returns its id; optionally disables it.
  Result<std::string> create_user(const std::string& name, const std::string& password,
                                  bool disabled = false);
  // Creates a user with these boolean policy fields set ({"EnableRemoteAccess", false}).
  Result<std::string> create_user(const std::string& name, const std::string& password,
                                  const std::map<std::string, bool>& policy);

 private:
  std::unique_ptr<Process> proc_;
  int port_ = 0;
  std::string host_ = "127.0.0.1";
  HttpClient http_;
};

}  // namespace jb::testing
