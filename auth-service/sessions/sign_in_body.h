// sign_in_body.h — the body of POST /api/v1/auth/login, read and validated as
// a pure function (the route handler in auth_handlers.cpp calls it; fuzz/
// fuzzes it):
//   {"username": "…" (1–256 bytes), "password": "…" (0–4096 bytes; null = ""),
//    "device_id": "…" (optional, 1–128 printable ASCII: the client's stable id of
//    this browser or device, which a remembered browser is bound to)}
// Unknown members are rejected. Errors: 415 for a non-JSON Content-Type, 400
// invalid_json, 400 invalid_request naming every bad field.
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "auth-service/api/io.h"
#include "common/net/http_server.h"

namespace jb::auth {

struct SignInBody {
  std::string username;
  std::string password;   // secret: never log it
  std::string device_id;  // "" when not sent
};

BodyResult<SignInBody> parse_sign_in_body(const http::Request& r);

}  // namespace jb::auth
