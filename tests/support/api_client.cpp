// api_client.cpp — see api_client.h.
#include "tests/support/api_client.h"

namespace jb::testing {

Result<HttpResponse> ApiClient::call(const std::string& method, const std::string& path,
                                     const std::string& body, const Headers& extra) {
  HttpRequest r;
  r.method = method;
  r.url = base + path;
  r.body = body;
  r.headers = headers;
  r.headers.insert(r.headers.end(), extra.begin(), extra.end());
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
  return http.send(r);
}

}  // namespace jb::testing
