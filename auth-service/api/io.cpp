// io.cpp — see io.h.
#include "auth-service/api/io.h"

#include "common/core/result.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/http_server.h"

namespace jb::auth {

Result<json::Document> read_json_body(const http::Request& r, bool allow_empty) {
  std::string ct = text::to_lower(r.header("Content-Type"));
  std::string_view body = text::trim(r.body);
  if (body.empty()) {
    if (allow_empty) return json::parse("{}");
    return Error(errc::invalid_request, "The request needs a JSON body.", 400);
  }
  if (!ct.empty() && ct.find("application/json") == std::string::npos &&
      ct.find("+json") == std::string::npos)
    return Error(errc::unsupported_media_type,
                 "The body must be JSON (Content-Type: application/json), not " + ct + ".", 415);
  auto d = json::parse(body);
  if (!d.ok()) return d.error();
  if (!d->IsObject()) return Error(errc::invalid_request, "The body must be a JSON object.", 400);
  return d;
}

http::Response invalid_fields(const json::Fields& f) {
  Problem p = problem_from_error(f.error());
  p.invalid_params = f.problems();
  return http::Response::problem(p);
}

BodyProblem body_problem(const Error& e) {
  return BodyProblem{e, {}};
}

BodyProblem body_problem(const json::Fields& f) {
  return BodyProblem{f.error(), f.problems()};
}

http::Response answer(const BodyProblem& p) {
  if (p.invalid_params.empty()) return fail(p.error);
  Problem pr = problem_from_error(p.error);
  pr.invalid_params = p.invalid_params;
  return http::Response::problem(pr);
}

http::Response not_found(const std::string& what) {
  return http::Response::problem(make_problem(404, errc::not_found, what));
}

Result<PageQuery> read_page_query(const http::Request& r) {
  PageQuery p;
  if (auto s = r.query_param("start"); s && (!text::parse_int64(*s, p.start) || p.start < 0))
    return Error(errc::invalid_request, "'start' must be a non-negative integer.", 400);
  if (auto s = r.query_param("count");
      s && (!text::parse_int64(*s, p.count) || p.count < 1 || p.count > 1000))
    return Error(errc::invalid_request, "'count' must be between 1 and 1000.", 400);
  return p;
}

void time_or_null(json::Writer& w, const char* key, int64_t ms) {
  w.key(key);
  if (ms > 0)
    w.value(timeutil::format_rfc3339(ms * 1000));
  else
    w.null();
}

}  // namespace jb::auth
