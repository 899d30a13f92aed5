// problem.cpp — see problem.h.
#include "common/net/problem.h"

#include <map>

#include "common/core/json.h"

namespace jb {

std::string problem_type_uri(const std::string& code) {
  return "urn:jellybridge:problem:" + code;
}

std::string http_reason(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Error";
  }
}

std::string problem_title(const std::string& code, int status) {
  static const std::map<std::string, std::string> titles = {
      {"invalid_json", "Malformed JSON"},
      {"invalid_request", "Invalid request"},
      {"body_too_large", "Request body too large"},
      {"unsupported_media_type", "Unsupported media type"},
      {"not_found", "Not found"},
      {"method_not_allowed", "Method not allowed"},
      {"unauthenticated", "Authentication required"},
      {"forbidden", "Forbidden"},
      {"internal", "Internal error"},
      {"unavailable", "Service unavailable"},
      {"timeout", "Timed out"},
  };
  auto it = titles.find(code);
  return it != titles.end() ? it->second : http_reason(status);
}

Problem make_problem(int status, std::string code, std::string detail) {
  Problem p;
  p.status = status;
  p.title = problem_title(code, status);
  p.code = std::move(code);
  p.detail = std::move(detail);
  return p;
}

Problem problem_from_error(const Error& e, int fallback_status) {
  Problem p = make_problem(e.http_status ? e.http_status : fallback_status, e.code, e.message);
  p.retry_after_s = e.retry_after_s;
  return p;
}

std::string problem_json(const Problem& p) {
  json::Writer w;
  w.begin_object()
      .kv("type", problem_type_uri(p.code))
      .kv("title", p.title)
      .kv("status", p.status)
      .kv("detail", p.detail);
  if (!p.invalid_params.empty()) {
    w.key("invalid_params").begin_array();
    for (const auto& [name, reason] : p.invalid_params)
      w.begin_object().kv("name", name).kv("reason", reason).end_object();
    w.end_array();
  }
  if (p.retry_after_s >= 0) w.kv("retry_after", p.retry_after_s);
  for (const auto& [name, value] : p.extensions) w.key(name).raw(value);
  w.end_object();
  return w.str();
}

}  // namespace jb
