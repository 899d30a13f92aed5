// services.cpp — see services.h.
#include "tests/support/services.h"

#include <cstdio>

namespace jb::testing {

std::string service_binary(const std::string& name) {
  if (name == "jellyfin-standin") return binary_dir() + "/tests/standin/jellyfin-standin";
  return binary_dir() + "/" + name + "/" + name;
}

std::unique_ptr<Process> start_service(const std::string& name,
                                       std::map<std::string, std::string> env,
                                       json::Document* ready, int timeout_ms) {
  auto p = std::make_unique<Process>(std::vector<std::string>{service_binary(name)}, std::move(env),
                                     name);
  if (!p->start()) return nullptr;
  auto line = p->wait_for_line(
      [](const std::string& l) { return l.find("\"msg\":\"ready\"") != std::string::npos; },
      timeout_ms);
  if (!line) {
    std::fprintf(stderr, "%s did not get ready; its output:\n", name.c_str());
    for (const auto& l : p->lines()) std::fprintf(stderr, "  %s\n", l.c_str());
    return nullptr;
  }
  if (ready) {
    auto d = json::parse(*line);
    if (d.ok()) *ready = std::move(*d);
  }
  return p;
}

Result<json::Document> get_json(HttpClient& c, const std::string& url) {
  auto r = c.get(url);
  if (!r.ok()) return r.error();
  if (r->status != 200)
    return Error("http_status", "status " + std::to_string(r->status) + ": " + r->body);
  return json::parse(r->body);
}

}  // namespace jb::testing
