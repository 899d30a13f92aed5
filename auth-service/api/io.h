// io.h — small helpers shared by auth-service's HTTP handlers: reading a JSON
// body (415 for a non-JSON content type, 400 for malformed JSON, both as
// problem+json), turning Errors into responses, and answering JSON.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/core/json.h"
#include "common/core/result.h"
#include "common/net/http_server.h"

namespace jb::auth {

// The request body as a JSON object. An empty body is "{}" when allow_empty.
Result<json::Document> read_json_body(const http::Request& r, bool allow_empty = false);
// A 400 problem listing each bad field (from json::Fields).
http::Response invalid_fields(const json::Fields& f);
inline http::Response ok_json(std::string body, int status = 200) {
  return http::Response::json(status, std::move(body));
}
inline http::Response fail(const Error& e, int fallback = 500) {
  return http::Response::error(e, fallback);
}
http::Response not_found(const std::string& what);

}  // namespace jb::auth
