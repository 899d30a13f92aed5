// responses.h — the bodies Jellyfin answers with, by origin (API-NOTES §7, §10):
//   * auth layer (challenge/forbid): 401/403 with an empty body;
//   * ExceptionMiddleware: text/plain "Error processing request." (400 for
//     ArgumentException, 401 AuthenticationException, 403 SecurityException,
//     404 ResourceNotFoundException, 500 otherwise);
//   * controller NotFound("msg")/StatusCode(403, "msg"): the message as a JSON
//     string; NotFound()/BadRequest(): ProblemDetails as application/json;
//   * [ApiController] model validation: 400 ValidationProblemDetails.
// Errors travel as jb::Error whose `code` selects the style (kStyle*).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/core/result.h"
#include "tests/standin/http_message.h"

namespace jb::standin {

inline constexpr const char* kJsonType = "application/json; charset=utf-8";

inline constexpr const char* kStyleEmpty = "jf_empty";
inline constexpr const char* kStyleMiddleware = "jf_middleware";
inline constexpr const char* kStyleMessage = "jf_message";
inline constexpr const char* kStyleProblem = "jf_problem";
inline constexpr const char* kStyleValidation = "jf_validation";

inline Error err_empty(int status) {
  return Error(kStyleEmpty, "", status);
}
inline Error err_middleware(int status, std::string why) {
  return Error(kStyleMiddleware, std::move(why), status);
}
inline Error err_message(int status, std::string msg) {
  return Error(kStyleMessage, std::move(msg), status);
}
inline Error err_problem(int status) {
  return Error(kStyleProblem, "", status);
}
// message = "<field>\n<error text>"
inline Error err_validation(std::string_view field, std::string_view msg) {
  return Error(kStyleValidation, std::string(field) + "\n" + std::string(msg), 400);
}

HttpResponse json_response(std::string body, int status = 200);
HttpResponse no_content();
HttpResponse empty_response(int status);
HttpResponse middleware_error(int status);
HttpResponse message_response(int status, std::string_view msg);
HttpResponse problem_response(int status);
HttpResponse validation_response(std::string_view field, std::string_view msg);
HttpResponse from_error(const Error& e);
// 503 while "starting" and for injected 503s (text/html, optional Retry-After).
HttpResponse unavailable_response(int retry_after_s);

}  // namespace jb::standin
