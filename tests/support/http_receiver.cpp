// http_receiver.cpp — see http_receiver.h.
#include "tests/support/http_receiver.h"

#include "common/core/text.h"

namespace jb::testing {

namespace {

http::ServerOptions options() {
  http::ServerOptions o;
  o.name = "receiver";
  o.host = "127.0.0.1";
  o.port = 0;
  o.reactor_threads = 1;
  o.pool_threads = 2;
  o.access_log = false;
  return o;
}

}  // namespace

std::string Received::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (text::to_lower(k) == text::to_lower(name)) return v;
  return "";
}

Receiver::Receiver() : server_(options(), registry_) {
  for (const char* method : {"POST", "PUT"})
    server_.route(method, "/{rest*}", [this](http::Request& r) { return take(r); });
  ok_ = server_.start().ok();
}

Receiver::~Receiver() {
  server_.stop();
}

std::string Receiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
}

std::vector<Received> Receiver::at(const std::string& path) {
  std::lock_guard<std::mutex> l(m_);
  std::vector<Received> out;
  for (const auto& r : got_)
    if (r.path == path) out.push_back(r);
  return out;
}

std::vector<Received> Receiver::under(const std::string& prefix) {
  std::lock_guard<std::mutex> l(m_);
  std::vector<Received> out;
  for (const auto& r : got_)
    if (r.path.rfind(prefix, 0) == 0) out.push_back(r);
  return out;
}

http::Response Receiver::take(http::Request& r) {
  if (r.path == "/gone") {
    ++rejected_;
    return http::Response::text(404, "no such hook");
  }
  if (r.path == "/bad") {
    ++rejected_;
    return http::Response::text(400, "bad request");
  }
  if (r.path == "/down" && !up_.load()) {
    ++refused_;
    return http::Response::text(503, "down for maintenance");
  }
  std::lock_guard<std::mutex> l(m_);
  got_.push_back({r.method, r.path, r.body, r.headers});
  return http::Response::no_content();
}

}  // namespace jb::testing
