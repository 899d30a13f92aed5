// control_helpers.cpp — see control_helpers.h.
#include "tests/standin/control_helpers.h"

#include "common/core/text.h"
#include "tests/standin/responses.h"

namespace jb::standin::control {

HttpResponse control_error(int status, std::string_view msg) {
  json::Writer w;
  w.begin_object().kv("Error", msg).end_object();
  return json_response(w.str(), status);
}

Result<json::Document> control_body(const Ctx& c) {
  if (text::trim(c.req.body).empty()) {
    json::Document d;
    d.SetObject();
    return d;
  }
  auto d = json::parse(c.req.body);
  if (!d) return Error("invalid_json", d.error().message, 400);
  if (!d->IsObject()) return Error("invalid_json", "The body must be a JSON object.", 400);
  return std::move(*d);
}

const User* find_user(const State& s, const json::Value& b) {
  if (auto id = json::opt_string(b, "UserId")) {
    auto g = parse_guid(*id);
    return g ? s.user(*g) : nullptr;
  }
  if (auto name = json::opt_string(b, "User")) {
    for (const auto& u : s.cat.users)
      if (text::iequals(u.name, *name)) return &u;
  }
  return nullptr;
}

uint32_t find_item_in(const State& s, const json::Value& b, const char* key) {
  auto id = json::opt_string(b, key);
  if (!id) return kNone;
  auto g = parse_guid(*id);
  return g ? s.find_item(*g) : kNone;
}

Scope scope_of(const json::Value& b) {
  Scope sc;
  sc.method = json::get_string(b, "Method");
  sc.prefix = json::get_string(b, "Prefix");
  sc.route = json::get_string(b, "Route");
  return sc;
}

void write_scope(json::Writer& w, const Scope& sc) {
  if (!sc.method.empty()) w.kv("Method", sc.method);
  if (!sc.prefix.empty()) w.kv("Prefix", sc.prefix);
  if (!sc.route.empty()) w.kv("Route", sc.route);
}

}  // namespace jb::standin::control
