// api_client.cpp — see api_client.h.
#include "tests/support/api_client.h"

#include "common/core/json.h"
#include "tests/support/answers.h"

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

Result<std::string> session_token(const std::string& base, const std::string& user,
                                  const std::string& password) {
  ApiClient c{base, ""};
  auto body = body_of(c.call("POST", "/api/v1/auth/login", login_body(user, password)));
  const auto* session = json::member(body, "session");
  if (session == nullptr) return Error("no_session", "sign-in answered " + json::stringify(body));
  return json::get_string(*session, "token");
}

}  // namespace jb::testing
