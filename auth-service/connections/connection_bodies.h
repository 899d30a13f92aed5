// connection_bodies.h — the bodies of the connections API, read and validated
// as pure functions (connection_handlers.cpp calls them; fuzz/ fuzzes them):
//   POST  /api/v1/connections       {method, server_url, …} → CreateConnection
//     password:     username (1–256), password (0–4096; null = "")
//     api_key:      api_key (1–256), user_id (0–64, optional)
//     quickconnect: nothing else
//   PATCH /api/v1/connections/{id}  {user_id} (1–64)
//   POST  /api/v1/connections/{id}/quickconnect/authorize  {code}: 6 digits
//         (device_code.h; "code" must be "6 digits" otherwise)
// Only the members of the chosen method are accepted. Errors: 415 for a
// non-JSON Content-Type, 400 invalid_json, 400 invalid_request naming every bad
// field. The server URL is checked later, by ConnectionService::create.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "auth-service/api/io.h"
#include "auth-service/connections/connection_service.h"
#include "common/net/http_server.h"

namespace jb::auth {

BodyResult<CreateConnection> parse_create_connection_body(const http::Request& r);

struct ChooseUserBody {
  std::string user_id;
};
BodyResult<ChooseUserBody> parse_choose_user_body(const http::Request& r);

struct AuthorizeDeviceBody {
  std::string code;  // exactly 6 digits
};
BodyResult<AuthorizeDeviceBody> parse_authorize_device_body(const http::Request& r);

}  // namespace jb::auth
