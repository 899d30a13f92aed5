// answers.h — test support: reading our API's answers in end-to-end tests:
// the JSON body of a response (an empty document when there is none or it
// does not parse), the problem code of a problem+json answer (its `type`
// without the "urn:jellybridge:problem:" prefix), and a sign-in body.
//
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "common/core/json.h"
#include "common/core/result.h"
#include "common/net/http_client.h"

namespace jb::testing {

json::Document body_of(const Result<HttpResponse>& r);
std::string problem_type(const Result<HttpResponse>& r);
// {"username": user, "password": password}
std::string login_body(const std::string& user, const std::string& password);

}  // namespace jb::testing
