// auth_api_bodies_fuzz.cpp — the request bodies of auth-service's API, read
// and validated exactly as the route handlers do (read_json_body in
// auth-service/api/io.h, json::Fields, and the body parsers beside the
// handlers): sign-in, connections create and patch, whitelist, index refresh.
// (Pairs have their own target, pair_bodies_fuzz.cpp.)
//
// Input: three parts separated by newlines — the route, the Content-Type
// (empty: none) and the body:
//   POST /api/v1/auth/login
//   application/json
//   {"username":"demo","password":"demo-password"}
// An unknown route line picks one of the five routes by its hash.
// Asserts:
//  * an accepted body meets its documented rules (lengths, the method's
//    members only, ≤ 255 library ids of 1–64 bytes, …), came with a JSON (or
//    no) Content-Type unless it was empty (index refresh: an empty body is {}),
//    and re-serialised as JSON reads back to the same value;
//  * a refused body is a 415 unsupported_media_type, 400 invalid_json or 400
//    invalid_request whose message names every bad field; the answer is
//    problem+json with that status, type and the same invalid_params.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth-service/api/io.h"
#include "auth-service/connections/connection_bodies.h"
#include "auth-service/libraries/library_bodies.h"
#include "auth-service/sessions/sign_in_body.h"
#include "common/core/json.h"
#include "common/core/text.h"
#include "common/net/problem.h"
#include "fuzz/fuzz_check.h"

namespace {

using jb::fuzz::show;
namespace auth = jb::auth;
namespace http = jb::http;
namespace json = jb::json;

const char* const kRoutes[] = {
    "POST /api/v1/auth/login",
    "POST /api/v1/connections",
    "PATCH /api/v1/connections/{id}",
    "PUT /api/v1/connections/{id}/whitelist",
    "POST /api/v1/connections/{id}/index",
};

http::Request request(std::string_view content_type, std::string body) {
  http::Request r;
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", std::string(content_type));
  r.body = std::move(body);
  return r;
}

void check_problem(const auth::BodyProblem& p, const std::string& where) {
  const jb::Error& e = p.error;
  bool known = (e.code == "invalid_request" && e.http_status == 400) ||
               (e.code == "invalid_json" && e.http_status == 400) ||
               (e.code == "unsupported_media_type" && e.http_status == 415);
  FUZZ_CHECK(known,
             "unexpected error " + e.code + " " + std::to_string(e.http_status) + " for " + where);
  FUZZ_CHECK(!e.message.empty(), "no message for " + where);
  for (const auto& [field, problem] : p.invalid_params) {
    FUZZ_CHECK(e.code == "invalid_request", "field problems in a " + e.code);
    std::string named = field == "(body)" ? "the body " + problem : "'" + field + "' " + problem;
    FUZZ_CHECK(e.message.find(named) != std::string::npos,
               "message " + show(e.message) + " does not name " + show(named));
  }
  http::Response resp = auth::answer(p);
  FUZZ_CHECK(resp.status == e.http_status && resp.content_type == jb::kProblemContentType,
             "answer status/type for " + where);
  auto d = json::parse(resp.body);
  FUZZ_CHECK(d.ok() && d->IsObject(), "answer is not JSON: " + show(resp.body));
  FUZZ_CHECK(json::get_string(*d, "type") == jb::problem_type_uri(e.code) &&
                 json::get_int(*d, "status") == e.http_status,
             "answer members: " + show(resp.body));
  const json::Value* params = json::member(*d, "invalid_params");
  if (p.invalid_params.empty()) {
    FUZZ_CHECK(params == nullptr, "invalid_params without field problems");
  } else {
    FUZZ_CHECK(params && params->IsArray() && params->Size() == p.invalid_params.size(),
               "invalid_params of " + show(resp.body));
    for (size_t i = 0; i < p.invalid_params.size(); ++i)
      FUZZ_CHECK(json::get_string((*params)[static_cast<unsigned>(i)], "name") ==
                     p.invalid_params[i].first,
                 "invalid_params name " + std::to_string(i) + " of " + show(resp.body));
  }
}

void check_content_type(std::string_view ct, const std::string& where) {
  std::string l = jb::text::to_lower(ct);
  FUZZ_CHECK(l.empty() || l.find("application/json") != std::string::npos ||
                 l.find("+json") != std::string::npos,
             "accepted with Content-Type " + show(ct) + ": " + where);
}

bool len_in(const std::string& s, size_t lo, size_t hi) {
  return s.size() >= lo && s.size() <= hi;
}

// Each route: run the parser, check what it accepted, re-serialise it and parse again.
template <typename T, typename Parse, typename Check, typename Write>
void route(const http::Request& r, std::string_view ct, Parse parse, Check check, Write write) {
  std::string where = "body " + show(r.body) + " (Content-Type " + show(ct) + ")";
  auto res = parse(r);
  if (!res.ok()) {
    check_problem(res.problem(), where);
    return;
  }
  if (!jb::text::trim(r.body).empty()) check_content_type(ct, where);  // "" is {}, whatever
  check(*res, where);
  json::Writer w;
  write(w, *res);
  auto again = parse(request("application/json", w.str()));
  FUZZ_CHECK(again.ok(), "re-serialised body refused: " + show(w.str()) + " from " + where);
  json::Writer w2;
  write(w2, *again);
  FUZZ_CHECK(w2.str() == w.str(), "round trip changes " + show(w.str()) + " to " + show(w2.str()));
}

void sign_in(const http::Request& r, std::string_view ct) {
  route<auth::SignInBody>(
      r, ct, auth::parse_sign_in_body,
      [](const auth::SignInBody& b, const std::string& where) {
        FUZZ_CHECK(len_in(b.username, 1, 256) && len_in(b.password, 0, 4096),
                   "sign-in lengths: " + where);
      },
      [](json::Writer& w, const auth::SignInBody& b) {
        w.begin_object().kv("username", b.username).kv("password", b.password).end_object();
      });
}

void create_connection(const http::Request& r, std::string_view ct) {
  route<jb::auth::CreateConnection>(
      r, ct, auth::parse_create_connection_body,
      [](const auth::CreateConnection& c, const std::string& where) {
        FUZZ_CHECK(len_in(c.server_url, 1, 2048), "server_url length: " + where);
        if (c.method == "password") {
          FUZZ_CHECK(len_in(c.username, 1, 256) && len_in(c.password, 0, 4096) &&
                         c.api_key.empty() && c.user_id.empty(),
                     "password connection: " + where);
        } else if (c.method == "api_key") {
          FUZZ_CHECK(len_in(c.api_key, 1, 256) && len_in(c.user_id, 0, 64) && c.username.empty() &&
                         c.password.empty(),
                     "api_key connection: " + where);
        } else {
          FUZZ_CHECK(c.method == "quickconnect" && c.username.empty() && c.password.empty() &&
                         c.api_key.empty() && c.user_id.empty(),
                     "method " + show(c.method) + ": " + where);
        }
      },
      [](json::Writer& w, const auth::CreateConnection& c) {
        w.begin_object().kv("method", c.method).kv("server_url", c.server_url);
        if (c.method == "password") w.kv("username", c.username).kv("password", c.password);
        if (c.method == "api_key") w.kv("api_key", c.api_key).kv("user_id", c.user_id);
        w.end_object();
      });
}

void choose_user(const http::Request& r, std::string_view ct) {
  route<auth::ChooseUserBody>(
      r, ct, auth::parse_choose_user_body,
      [](const auth::ChooseUserBody& b, const std::string& where) {
        FUZZ_CHECK(len_in(b.user_id, 1, 64), "user_id length: " + where);
      },
      [](json::Writer& w, const auth::ChooseUserBody& b) {
        w.begin_object().kv("user_id", b.user_id).end_object();
      });
}

void whitelist(const http::Request& r, std::string_view ct) {
  route<auth::WhitelistBody>(
      r, ct, auth::parse_whitelist_body,
      [](const auth::WhitelistBody& b, const std::string& where) {
        FUZZ_CHECK(b.library_ids.size() <= 255, "more than 255 library ids: " + where);
        for (const auto& id : b.library_ids)
          FUZZ_CHECK(len_in(id, 1, 64), "library id " + show(id) + ": " + where);
      },
      [](json::Writer& w, const auth::WhitelistBody& b) {
        w.begin_object().key("library_ids").begin_array();
        for (const auto& id : b.library_ids) w.value(id);
        w.end_array().end_object();
      });
}

void index_refresh(const http::Request& r, std::string_view ct) {
  route<auth::IndexRefreshBody>(
      r, ct, auth::parse_index_refresh_body,
      [](const auth::IndexRefreshBody&, const std::string&) {},
      [](json::Writer& w, const auth::IndexRefreshBody& b) {
        w.begin_object().kv("full", b.full).end_object();
      });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parts = jb::fuzz::split(in, '\n', 3);
  parts.resize(3);
  std::string_view route_line = parts[0], ct = parts[1];
  size_t which = 0;
  while (which < 5 && route_line != kRoutes[which]) ++which;
  if (which == 5) {
    uint32_t h = 2166136261u;  // FNV-1a
    for (unsigned char c : route_line) h = (h ^ c) * 16777619u;
    which = h % 5;
  }
  http::Request r = request(ct, std::string(parts[2]));
  switch (which) {
    case 0:
      sign_in(r, ct);
      break;
    case 1:
      create_connection(r, ct);
      break;
    case 2:
      choose_user(r, ct);
      break;
    case 3:
      whitelist(r, ct);
      break;
    default:
      index_refresh(r, ct);
      break;
  }
  return 0;
}
