// sign_in_body.cpp — see sign_in_body.h.
#include "auth-service/sessions/sign_in_body.h"

#include "common/core/text.h"

namespace jb::auth {

BodyResult<SignInBody> parse_sign_in_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  auto username = f.string("username", true, 256);
  auto password = f.string("password", false, 4096);
  if (!password && !json::member(*body, "password")) f.add_problem("password", "is required");
  auto device = f.string("device_id", false, 128);
  if (device && (device->empty() || !text::is_printable_ascii(*device)))
    f.add_problem("device_id", "must be 1–128 printable ASCII characters");
  f.reject_unknown({"username", "password", "device_id"});
  if (!f.ok()) return body_problem(f);
  return SignInBody{*username, password.value_or(""), device.value_or("")};
}

}  // namespace jb::auth
