// sign_in_body.h — the body of POST /api/v1/auth/login, read and validated as
// a pure function (the route handler in auth_handlers.cpp calls it; fuzz/
// fuzzes it):
//   {"username": "…" (1–256 bytes), "password": "…" (0–4096 bytes; null = "")}
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
  std::string password;  // secret: never log it
};

BodyResult<SignInBody> parse_sign_in_body(const http::Request& r);

}  // namespace jb::auth
