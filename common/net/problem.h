// problem.h — RFC 9457 problem details (application/problem+json) for our API.
//
// Every error answer of the public API is built here, so the `type` URIs and
// titles stay consistent: type = "urn:jellybridge:problem:<code>", where
// <code> is the stable Error::code. docs/problems.md lists them.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/core/result.h"

namespace jb {

constexpr const char* kProblemContentType = "application/problem+json";

struct Problem {
  std::string code;   // → type URI
  std::string title;  // short, stable per code
  int status = 500;
  std::string detail;                                               // the sentence for a person
  std::vector<std::pair<std::string, std::string>> invalid_params;  // field → reason
  int retry_after_s = -1;  // also sent as a Retry-After header by the HTTP layer
  // Extension members (RFC 9457 §3.2): name → a complete JSON value, written as is.
  std::vector<std::pair<std::string, std::string>> extensions;
};

std::string problem_type_uri(const std::string& code);
// Title for a known code, else the HTTP reason phrase of status.
std::string problem_title(const std::string& code, int status);
std::string http_reason(int status);

Problem make_problem(int status, std::string code, std::string detail);
// Maps an Error (its http_status, or fallback_status when 0) to a Problem.
Problem problem_from_error(const Error& e, int fallback_status = 500);
std::string problem_json(const Problem& p);

}  // namespace jb
