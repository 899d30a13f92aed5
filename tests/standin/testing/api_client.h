// api_client.h — the HTTP client the stand-in tests use: builds Jellyfin's
// `Authorization: MediaBrowser …` header (values URL-encoded, as the Kotlin
// SDK does), keeps connections alive, and checks every answer against the
// wire contract before handing it to the test:
//   * a JSON body parses, contains no null, and validates against the
//     response schema found in openapi-stable.json (openapi_contract.h);
//     error answers whose body is a bare JSON string (controller messages,
//     API-NOTES §10) are accepted; error objects must be ProblemDetails;
//   * a 2xx JSON body must have a documented schema;
//   * a 204 has no body.
// Violations are reported with ADD_FAILURE, so every test is a contract test.
// When the OpenAPI document is missing the schema step is skipped here (the
// dedicated contract test reports that with GTEST_SKIP).
//
// Thread-safety: one ApiClient per thread (it owns a libcurl handle).
#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/net/http_client.h"
#include "tests/standin/testing/openapi_contract.h"

namespace jb::standin::testing {

struct ApiResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string transport_error;  // non-empty when no HTTP answer arrived
  std::string transport_code;   // jb::Error code (timeout, http_transport, ...)
  rapidjson::Document json;     // parsed when the body is JSON
  bool is_json = false;

  std::string header(std::string_view name) const;
  // Convenience accessors on a JSON object body ("" / -1 / false when absent).
  std::string str(const char* key) const;
  int64_t num(const char* key) const;
  bool boolean(const char* key) const;
};

// The loaded contract (nullptr when the OpenAPI document is unavailable).
OpenApiContract* contract();
// How many JSON bodies were validated against a schema in this process.
int validated_count();
// Checks one answer; returns a list of problems (empty = conforms).
std::vector<std::string> check_contract(const std::string& method, const std::string& rel_path,
                                        const ApiResponse& r);

class ApiClient {
 public:
  // base_url: http://host:port[/base]; root_url: http://host:port (control API).
  ApiClient(std::string base_url, std::string root_url);

  std::string client = "Jellybridge Tests";
  std::string device = "Test Device";
  std::string device_id = "test-device-1";
  std::string version = "1.0.0";
  std::string token;               // sent as Token="…" when non-empty
  bool send_authorization = true;  // false: no Authorization header at all
  std::vector<std::pair<std::string, std::string>> extra_headers;
  bool check = true;  // run check_contract on every answer
  long timeout_ms = 10000;

  std::string authorization() const;

  ApiResponse get(const std::string& path_and_query);
  ApiResponse post(const std::string& path_and_query, const std::string& json_body = "");
  ApiResponse del(const std::string& path_and_query);
  ApiResponse send(const std::string& method, const std::string& path_and_query,
                   const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers, bool with_auth);

  // Test-control API (no auth, no contract check).
  ApiResponse control(const std::string& method, const std::string& path,
                      const std::string& body = "");

  // POST /Users/AuthenticateByName; stores and returns the token ("" on failure).
  std::string login(const std::string& user, const std::string& password);

  const std::string& base_url() const { return base_; }

 private:
  ApiResponse finish(jb::Result<jb::HttpResponse> r);
  std::string base_, root_;
  std::unique_ptr<jb::HttpClient> http_;
};

}  // namespace jb::standin::testing
