// responses.cpp — see responses.h.
#include "tests/standin/responses.h"

#include "common/core/json.h"
#include "tests/standin/guid.h"

namespace jb::standin {

namespace {

std::string trace_id() {
  return "00-" + random_hex(16) + "-" + random_hex(8) + "-00";
}

const char* problem_type(int status) {
  switch (status) {
    case 400:
      return "https://tools.ietf.org/html/rfc9110#section-15.5.1";
    case 401:
      return "https://tools.ietf.org/html/rfc9110#section-15.5.2";
    case 403:
      return "https://tools.ietf.org/html/rfc9110#section-15.5.4";
    case 404:
      return "https://tools.ietf.org/html/rfc9110#section-15.5.5";
    case 415:
      return "https://tools.ietf.org/html/rfc9110#section-15.5.16";
    default:
      return "https://tools.ietf.org/html/rfc9110#section-15.6.1";
  }
}

}  // namespace

HttpResponse json_response(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = kJsonType;
  r.body = std::move(body);
  return r;
}

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  return r;
}

HttpResponse empty_response(int status) {
  HttpResponse r;
  r.status = status;
  return r;
}

HttpResponse middleware_error(int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = "Error processing request.";
  return r;
}

HttpResponse message_response(int status, std::string_view msg) {
  json::Writer w;
  w.value(msg);
  return json_response(w.str(), status);
}

HttpResponse problem_response(int status) {
  json::Writer w;
  w.begin_object();
  w.kv("type", problem_type(status));
  w.kv("title", reason_phrase(status));
  w.kv("status", status);
  w.kv("traceId", trace_id());
  w.end_object();
  return json_response(w.str(), status);
}

HttpResponse validation_response(std::string_view field, std::string_view msg) {
  json::Writer w;
  w.begin_object();
  w.kv("type", problem_type(400));
  w.kv("title", "One or more validation errors occurred.");
  w.kv("status", 400);
  w.key("errors").begin_object();
  w.key(field).begin_array().value(msg).end_array();
  w.end_object();
  w.kv("traceId", trace_id());
  w.end_object();
  return json_response(w.str(), 400);
}

HttpResponse from_error(const Error& e) {
  int status = e.http_status ? e.http_status : 500;
  if (e.code == kStyleEmpty) return empty_response(status);
  if (e.code == kStyleMessage) return message_response(status, e.message);
  if (e.code == kStyleProblem) return problem_response(status);
  if (e.code == kStyleValidation) {
    auto nl = e.message.find('\n');
    if (nl == std::string::npos) return validation_response("$", e.message);
    return validation_response(std::string_view(e.message).substr(0, nl),
                               std::string_view(e.message).substr(nl + 1));
  }
  // kStyleMiddleware and any other error: ExceptionMiddleware's answer.
  return middleware_error(status);
}

HttpResponse unavailable_response(int retry_after_s) {
  HttpResponse r;
  r.status = 503;
  r.content_type = "text/html";
  r.body = "Jellyfin Server is still loading. Please try again shortly.";
  if (retry_after_s >= 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

}  // namespace jb::standin
