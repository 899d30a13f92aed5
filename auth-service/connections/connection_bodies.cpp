// connection_bodies.cpp — see connection_bodies.h.
#include "auth-service/connections/connection_bodies.h"

#include "auth-service/connections/device_code.h"

namespace jb::auth {

BodyResult<CreateConnection> parse_create_connection_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  CreateConnection req;
  req.method = f.string("method", true, 32).value_or("");
  req.server_url = f.string("server_url", true, 2048).value_or("");
  if (req.method == "password") {
    req.username = f.string("username", true, 256).value_or("");
    auto pw = f.string("password", false, 4096);
    if (!pw && !json::member(*body, "password")) f.add_problem("password", "is required");
    req.password = pw.value_or("");
    f.reject_unknown({"method", "server_url", "username", "password"});
  } else if (req.method == "api_key") {
    req.api_key = f.string("api_key", true, 256).value_or("");
    req.user_id = f.string("user_id", false, 64).value_or("");
    f.reject_unknown({"method", "server_url", "api_key", "user_id"});
  } else if (req.method == "quickconnect") {
    f.reject_unknown({"method", "server_url"});
  } else if (!req.method.empty()) {
    f.add_problem("method", "must be one of password, api_key, quickconnect");
  }
  if (!f.ok()) return body_problem(f);
  return req;
}

BodyResult<ChooseUserBody> parse_choose_user_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  auto user_id = f.string("user_id", true, 64);
  f.reject_unknown({"user_id"});
  if (!f.ok()) return body_problem(f);
  return ChooseUserBody{*user_id};
}

BodyResult<AuthorizeDeviceBody> parse_authorize_device_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  auto typed = f.string("code", true, 64);
  f.reject_unknown({"code"});
  std::optional<std::string> code;
  if (typed) {
    code = read_device_code(*typed);
    if (!code) f.add_problem("code", "must be the 6 digits the device shows");
  }
  if (!f.ok()) return body_problem(f);
  return AuthorizeDeviceBody{*code};
}

}  // namespace jb::auth
