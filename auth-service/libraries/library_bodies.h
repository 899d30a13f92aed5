// library_bodies.h — the bodies of the libraries API, read and validated as
// pure functions (library_handlers.cpp calls them; fuzz/ fuzzes them):
//   PUT  /api/v1/connections/{id}/whitelist  {"library_ids": [ids]} (≤ 255 ids of 1–64 bytes;
//                                            [] = every film and series library)
//   POST /api/v1/connections/{id}/index      {"full": bool} (optional; an empty body is {})
// Errors: 415 for a non-JSON Content-Type, 400 invalid_json, 400
// invalid_request naming every bad field.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "auth-service/api/io.h"
#include "common/net/http_server.h"

namespace jb::auth {

struct WhitelistBody {
  std::vector<std::string> library_ids;
};
BodyResult<WhitelistBody> parse_whitelist_body(const http::Request& r);

struct IndexRefreshBody {
  bool full = false;  // rebuild everything, not only what changed
};
BodyResult<IndexRefreshBody> parse_index_refresh_body(const http::Request& r);

}  // namespace jb::auth
