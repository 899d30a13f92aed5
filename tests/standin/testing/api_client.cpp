// api_client.cpp — see api_client.h.
#include "tests/standin/testing/api_client.h"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>

#include "common/core/json.h"
#include "common/core/text.h"
#include "tests/standin/guid.h"

namespace jb::standin::testing {

namespace {

std::atomic<int> g_validated{0};

bool contains_null(const rapidjson::Value& v, std::string& where, const std::string& path) {
  if (v.IsNull()) {
    where = path.empty() ? "$" : path;
    return true;
  }
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
      if (contains_null(it->value, where, path + "." + it->name.GetString())) return true;
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
      if (contains_null(v[i], where, path + "[" + std::to_string(i) + "]")) return true;
  }
  return false;
}

// Every member named "Id" or ending in "Id" whose value looks like a GUID must
// be Guid "N" (32 lowercase hex).
void check_ids(const rapidjson::Value& v, const std::string& path,
               std::vector<std::string>& problems) {
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      std::string name = it->name.GetString();
      std::string p = path + "." + name;
      bool id_like = name == "Id" || name == "ItemId" || name == "UserId" || name == "ServerId" ||
                     name == "ParentId" || name == "SeriesId" || name == "SeasonId";
      if (id_like && it->value.IsString() && !is_guid_n(it->value.GetString()))
        problems.push_back(p + " is not 32 lowercase hex: " + it->value.GetString());
      check_ids(it->value, p, problems);
    }
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i)
      check_ids(v[i], path + "[" + std::to_string(i) + "]", problems);
  }
}

}  // namespace

std::string ApiResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (text::iequals(k, name)) return v;
  return {};
}

std::string ApiResponse::str(const char* key) const {
  if (!is_json || !json.IsObject()) return {};
  return json::get_string(json, key);
}

int64_t ApiResponse::num(const char* key) const {
  if (!is_json || !json.IsObject()) return -1;
  return json::get_int(json, key, -1);
}

bool ApiResponse::boolean(const char* key) const {
  if (!is_json || !json.IsObject()) return false;
  return json::get_bool(json, key, false);
}

OpenApiContract* contract() {
  static std::unique_ptr<OpenApiContract> c = [] {
    auto r = OpenApiContract::load(OpenApiContract::default_path());
    return r ? std::move(*r) : std::unique_ptr<OpenApiContract>();
  }();
  return c.get();
}

int validated_count() {
  return g_validated.load();
}

std::vector<std::string> check_contract(const std::string& method, const std::string& rel_path,
                                        const ApiResponse& r) {
  std::vector<std::string> problems;
  const std::string what = method + " " + rel_path + " → " + std::to_string(r.status) + ": ";
  if (r.status == 204 && !r.body.empty()) problems.push_back(what + "a 204 carries a body");
  std::string ct = text::to_lower(r.header("Content-Type"));
  bool json_type = ct.rfind("application/json", 0) == 0;
  if (!json_type) {
    if (r.status >= 200 && r.status < 300 && r.status != 204 && contract()) {
      auto l = contract()->find(method, rel_path, static_cast<int>(r.status));
      if (l.has_json_schema)
        problems.push_back(what + "documented JSON answer sent as '" + ct + "'");
    }
    return problems;
  }
  if (!r.is_json) {
    problems.push_back(what + "Content-Type is JSON but the body does not parse");
    return problems;
  }
  std::string null_at;
  if (contains_null(r.json, null_at, "")) problems.push_back(what + "JSON null at " + null_at);
  check_ids(r.json, "$", problems);
  OpenApiContract* c = contract();
  if (!c) return problems;
  auto l = c->find(method, rel_path, static_cast<int>(r.status));
  if (r.status >= 400) {
    // Controller messages come back as JSON strings (API-NOTES §10).
    if (r.json.IsString()) return problems;
    std::string err = l.has_json_schema
                          ? c->validate(method, rel_path, static_cast<int>(r.status), r.json)
                          : c->validate_component("ProblemDetails", r.json);
    if (!err.empty())
      problems.push_back(what + err);
    else
      g_validated++;
    return problems;
  }
  if (!l.has_json_schema) {
    problems.push_back(what + "no JSON schema documented (template '" + l.template_path + "')");
    return problems;
  }
  std::string err = c->validate(method, rel_path, static_cast<int>(r.status), r.json);
  if (!err.empty())
    problems.push_back(what + err + "\nbody: " + r.body.substr(0, 2000));
  else
    g_validated++;
  return problems;
}

ApiClient::ApiClient(std::string base_url, std::string root_url)
    : base_(std::move(base_url)),
      root_(std::move(root_url)),
      http_(std::make_unique<jb::HttpClient>()) {}

std::string ApiClient::authorization() const {
  std::string h = "MediaBrowser Client=\"" + text::url_encode(client) + "\", Device=\"" +
                  text::url_encode(device) + "\", DeviceId=\"" + text::url_encode(device_id) +
                  "\", Version=\"" + text::url_encode(version) + "\"";
  if (!token.empty()) h += ", Token=\"" + token + "\"";
  return h;
}

ApiResponse ApiClient::finish(jb::Result<jb::HttpResponse> r) {
  ApiResponse out;
  if (!r) {
    out.transport_error = r.error().message;
    out.transport_code = r.error().code;
    return out;
  }
  out.status = r->status;
  out.body = std::move(r->body);
  out.headers = std::move(r->headers);
  if (!out.body.empty()) {
    out.json.Parse(out.body.data(), out.body.size());
    out.is_json = !out.json.HasParseError();
  }
  return out;
}

ApiResponse ApiClient::send(const std::string& method, const std::string& path_and_query,
                            const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            bool with_auth) {
  jb::HttpRequest req;
  req.method = method;
  req.url = base_ + path_and_query;
  req.body = body;
  req.timeout_ms = timeout_ms;
  if (with_auth && send_authorization) req.headers.emplace_back("Authorization", authorization());
  bool has_type = false;
  for (const auto& h : headers) has_type = has_type || text::iequals(h.first, "Content-Type");
  if (!body.empty() && !has_type) req.headers.emplace_back("Content-Type", "application/json");
  for (const auto& h : extra_headers) req.headers.push_back(h);
  for (const auto& h : headers) req.headers.push_back(h);
  ApiResponse r = finish(http_->send(req));
  if (check && r.transport_error.empty()) {
    std::string rel = path_and_query.substr(0, path_and_query.find('?'));
    for (const auto& p : check_contract(method, rel, r)) ADD_FAILURE() << "contract: " << p;
  }
  return r;
}

ApiResponse ApiClient::get(const std::string& p) {
  return send("GET", p, "", {}, true);
}
ApiResponse ApiClient::post(const std::string& p, const std::string& b) {
  return send("POST", p, b, {}, true);
}
ApiResponse ApiClient::del(const std::string& p) {
  return send("DELETE", p, "", {}, true);
}

ApiResponse ApiClient::control(const std::string& method, const std::string& path,
                               const std::string& body) {
  jb::HttpRequest req;
  req.method = method;
  req.url = root_ + path;
  req.body = body;
  req.timeout_ms = timeout_ms;
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  return finish(http_->send(req));
}

std::string ApiClient::login(const std::string& user, const std::string& password) {
  json::Writer w;
  w.begin_object().kv("Username", user).kv("Pw", password).end_object();
  std::string saved = token;
  token.clear();
  ApiResponse r = post("/Users/AuthenticateByName", w.str());
  if (r.status != 200) {
    token = saved;
    return {};
  }
  token = r.str("AccessToken");
  return token;
}

}  // namespace jb::standin::testing
