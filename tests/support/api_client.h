// api_client.h — test support: a client of our API for end-to-end tests: a
// base URL and, once signed in, a bearer token sent with every call (JSON
// bodies), plus any headers of its own (a device's User-Agent); and the
// session token of a one-step password sign-in.
//
// Thread-safety: one thread per client (it owns its HttpClient).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/core/result.h"
#include "common/net/http_client.h"

namespace jb::testing {

struct ApiClient {
  using Headers = std::vector<std::pair<std::string, std::string>>;
  ApiClient(std::string b, std::string t, Headers h = {})
      : base(std::move(b)), token(std::move(t)), headers(std::move(h)) {}
  std::string base, token;  // token "" = anonymous
  Headers headers;
  HttpClient http{HttpClientOptions{}};
  // `extra`: headers for this call only (after the client's own).
  Result<HttpResponse> call(const std::string& method, const std::string& path,
                            const std::string& body = "", const Headers& extra = {});
};

// POST /api/v1/auth/login at `base` with a password that needs no second step:
// the session's bearer token, or an error carrying the answer's body.
Result<std::string> session_token(const std::string& base, const std::string& user,
                                  const std::string& password);

}  // namespace jb::testing
