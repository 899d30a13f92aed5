// io.h — small helpers shared by auth-service's HTTP handlers: reading a JSON
// body (415 for a non-JSON content type, 400 for malformed JSON, both as
// problem+json), turning Errors into responses, and answering JSON.
//
// Body parsers (sign_in_body.h, connection_bodies.h, library_bodies.h) are pure
// functions from a Request to a BodyResult: the request's values, or the
// BodyProblem to answer with; the route handler only calls them (fuzz/ fuzzes them).
//
// Thread-safety: pure functions; BodyResult and BodyProblem are plain values.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

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
// Writes `key`: the time `ms` (Unix milliseconds) as RFC 3339, or null when it is 0
// (it never happened: a passkey or app password not used yet).
void time_or_null(json::Writer& w, const char* key, int64_t ms);

// `?start=&count=` of a paged list: start ≥ 0 (default 0), count 1–1000 (default 100);
// 400 invalid_request naming the bad parameter.
struct PageQuery {
  int64_t start = 0;
  int64_t count = 100;
};
Result<PageQuery> read_page_query(const http::Request& r);

// Why a request body cannot be used: the error (415 unsupported_media_type, 400
// invalid_json or invalid_request) and, when json::Fields found them, each bad
// field (the problem's invalid-params).
struct BodyProblem {
  Error error;
  std::vector<std::pair<std::string, std::string>> invalid_params;
};
BodyProblem body_problem(const Error& e);         // from read_json_body
BodyProblem body_problem(const json::Fields& f);  // 400 naming every bad field
// The answer: fail(error), or invalid_fields() when fields are named.
http::Response answer(const BodyProblem& p);

// A body parser's outcome: the value, or the problem to answer with.
template <typename T>
class BodyResult {
 public:
  BodyResult(T value) : v_(std::move(value)) {}                // NOLINT: implicit by design
  BodyResult(BodyProblem problem) : v_(std::move(problem)) {}  // NOLINT: implicit by design
  bool ok() const { return v_.index() == 0; }
  const T& operator*() const { return std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  const BodyProblem& problem() const { return std::get<1>(v_); }

 private:
  std::variant<T, BodyProblem> v_;
};

}  // namespace jb::auth
