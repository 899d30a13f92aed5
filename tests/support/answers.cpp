// answers.cpp — see answers.h.
#include "tests/support/answers.h"

namespace jb::testing {

json::Document body_of(const Result<HttpResponse>& r) {
  json::Document d;
  if (r.ok()) {
    auto p = json::parse(r->body);
    if (p.ok()) d = std::move(*p);
  }
  return d;
}

std::string problem_type(const Result<HttpResponse>& r) {
  std::string t = json::get_string(body_of(r), "type");
  const std::string prefix = "urn:jellybridge:problem:";
  return t.rfind(prefix, 0) == 0 ? t.substr(prefix.size()) : t;
}

std::string login_body(const std::string& user, const std::string& password) {
  json::Writer w;
  w.begin_object().kv("username", user).kv("password", password).end_object();
  return w.str();
}

}  // namespace jb::testing
