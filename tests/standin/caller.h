// caller.h — who is calling (API-NOTES §1.1 rules 6–7, §3): the token from
// auth_header.h is looked up among user access tokens (devices) and then API
// keys. A device match authenticates its user and fills missing
// Client/DeviceId/Device/Version from the stored device; a changed
// Device/Version updates the device (unless the client is a Chromecast) and
// DateLastActivity is refreshed when older than 3 minutes. An API key
// authenticates as administrator without a user. An unknown token or a
// disabled user's token leaves the caller unauthenticated (401 on
// [Authorize] routes, ignored by anonymous ones).
//
// Thread-safety: resolve_caller() takes the Store's locks itself.
#pragma once

#include <string>

#include "tests/standin/app.h"
#include "tests/standin/auth_header.h"
#include "tests/standin/http_message.h"

namespace jb::standin {

struct Caller {
  ClientAuth client;  // from the request, filled from the device
  bool has_token = false;
  bool authenticated = false;
  bool is_api_key = false;
  bool is_admin = false;       // administrator role (admin user or API key)
  bool remote_denied = false;  // user without EnableRemoteAccess calling from outside the LAN
  Guid user_id;                // empty for API keys
  std::string user_name;
  std::string token;
};

Caller resolve_caller(App& app, const HttpRequest& req, const QueryParams& query);

}  // namespace jb::standin
