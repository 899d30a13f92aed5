// standin.cpp — see standin.h.
#include "tests/support/standin.h"

#include "common/core/text.h"
#include "common/jellyfin/auth.h"
#include "tests/support/services.h"

namespace jb::testing {

Standin::Standin(std::vector<std::string> args) {
  std::vector<std::string> argv{service_binary("jellyfin-standin"), "--port", "0",
                                "--cheap-hashing"};
  if (args.empty()) args = {"--demo"};
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--host" && i + 1 < args.size()) host_ = args[i + 1];
    if (args[i].rfind("--host=", 0) == 0) host_ = args[i].substr(7);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  proc_ = std::make_unique<Process>(argv, std::map<std::string, std::string>{}, "standin");
  if (!proc_->start()) return;
  auto line = proc_->wait_for_line(
      [](const std::string& l) { return l.rfind("LISTENING ", 0) == 0; }, 20000);
  if (!line) {
    for (const auto& l : proc_->lines()) std::fprintf(stderr, "[standin] %s\n", l.c_str());
    return;
  }
  int64_t p = 0;
  if (text::parse_int64(line->substr(10), p)) port_ = static_cast<int>(p);
}

Standin::~Standin() = default;

Result<json::Document> Standin::control(const std::string& method, const std::string& path,
                                        const std::string& body) {
  HttpRequest r;
  r.method = method;
  r.url = url() + path;
  r.body = body;
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  auto resp = http_.send(r);
  if (!resp.ok()) return resp.error();
  if (resp->status >= 400)
    return Error("standin_control",
                 method + " " + path + " → " + std::to_string(resp->status) + ": " + resp->body);
  return json::parse(resp->body.empty() ? "{}" : resp->body);
}

Status Standin::approve_quickconnect(const std::string& code, const std::string& user) {
  auto r = control("POST", "/__standin/quickconnect/approve",
                   "{\"Code\":\"" + code + "\",\"User\":\"" + user + "\"}");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status Standin::add_fault(const std::string& body) {
  auto r = control("POST", "/__standin/faults", body);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status Standin::clear_faults() {
  auto r = control("DELETE", "/__standin/faults");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status Standin::advance_clock(int64_t seconds) {
  auto r =
      control("POST", "/__standin/clock", "{\"AdvanceSeconds\":" + std::to_string(seconds) + "}");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Status Standin::set_config(const std::string& body) {
  auto r = control("POST", "/__standin/config", body);
  if (!r.ok()) return r.error();
  return Status::Ok();
}

int64_t Standin::requests(const std::string& route_key) {
  auto r = control("GET", "/__standin/counters");
  if (!r.ok()) return -1;
  const auto* routes = json::member(*r, "Routes");
  return routes ? json::get_int(*routes, route_key.c_str(), 0) : 0;
}

int64_t Standin::total_requests() {
  auto r = control("GET", "/__standin/counters");
  return r.ok() ? json::get_int(*r, "Total", -1) : -1;
}

Status Standin::reset_counters() {
  auto r = control("DELETE", "/__standin/counters");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<Standin::InFlight> Standin::in_flight() {
  auto r = control("GET", "/__standin/inflight");
  if (!r.ok()) return r.error();
  InFlight f;
  f.current = json::get_int(*r, "Current", -1);
  f.max = json::get_int(*r, "Max", -1);
  if (f.current < 0 || f.max < 0)
    return Error("standin_control", "GET /__standin/inflight: no Current/Max");
  return f;
}

Status Standin::reset_in_flight() {
  auto r = control("DELETE", "/__standin/inflight");
  if (!r.ok()) return r.error();
  return Status::Ok();
}

Result<HttpResponse> Standin::api(const std::string& method, const std::string& path,
                                  const std::string& token, const std::string& body,
                                  const std::string& device_id) {
  jf::ClientIdentity id;
  id.client = "jb-tests";
  id.device = "tests";
  id.device_id = device_id;
  HttpRequest r;
  r.method = method;
  r.url = url() + path;
  r.body = body;
  r.headers = {{"Authorization", jf::authorization_header(id, token)}};
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  return http_.send(r);
}

Result<std::string> Standin::login(const std::string& user, const std::string& password,
                                   const std::string& device_id) {
  json::Writer w;
  w.begin_object().kv("Username", user).kv("Pw", password).end_object();
  auto r = api("POST", "/Users/AuthenticateByName", "", w.str(), device_id);
  if (!r.ok()) return r.error();
  if (r->status != 200) return Error("login_failed", "stand-in login " + std::to_string(r->status));
  auto d = json::parse(r->body);
  if (!d.ok()) return d.error();
  return json::get_string(*d, "AccessToken");
}

Result<std::string> Standin::create_user(const std::string& name, const std::string& password,
                                         bool disabled) {
  std::map<std::string, bool> policy;
  if (disabled) policy["IsDisabled"] = true;
  return create_user(name, password, policy);
}

Result<std::string> Standin::create_user(const std::string& name, const std::string& password,
                                         const std::map<std::string, bool>& policy_fields) {
  auto admin = login("admin", "admin-password", "test-admin-device");
  if (!admin.ok()) return admin.error();
  json::Writer w;
  w.begin_object().kv("Name", name).kv("Password", password).end_object();
  auto r = api("POST", "/Users/New", *admin, w.str(), "test-admin-device");
  if (!r.ok()) return r.error();
  if (r->status != 200)
    return Error("create_user", "POST /Users/New → " + std::to_string(r->status) + " " + r->body);
  auto d = json::parse(r->body);
  std::string id = json::get_string(*d, "Id");
  if (!policy_fields.empty()) {
    const auto* policy = json::member(*d, "Policy");
    if (!policy) return Error("create_user", "no policy in the new user");
    json::Document p;
    p.CopyFrom(*policy, p.GetAllocator());
    for (const auto& [field, value] : policy_fields) p[field.c_str()].SetBool(value);
    auto s =
        api("POST", "/Users/" + id + "/Policy", *admin, json::stringify(p), "test-admin-device");
    if (!s.ok()) return s.error();
    if (s->status != 204)
      return Error("create_user", "policy update → " + std::to_string(s->status) + " " + s->body);
  }
  return id;
}

}  // namespace jb::testing
