// openapi_contract.cpp — see openapi_contract.h.
#include "tests/standin/testing/openapi_contract.h"

#include <rapidjson/error/en.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "common/core/text.h"

namespace jb::standin::testing {

namespace {

using rapidjson::Document;
using rapidjson::Value;
using Alloc = Document::AllocatorType;

const char* kUuidPattern = "^[0-9a-f]{32}$";
const char* kDatePattern =
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,7})?Z$";

// Deep-copies an OpenAPI schema into JSON Schema draft 4 (see header).
Value translate(const Value& in, Alloc& a) {
  if (in.IsArray()) {
    Value out(rapidjson::kArrayType);
    for (const auto& e : in.GetArray()) out.PushBack(translate(e, a), a);
    return out;
  }
  if (!in.IsObject()) return Value(in, a);
  Value out(rapidjson::kObjectType);
  bool nullable = false;
  for (auto it = in.MemberBegin(); it != in.MemberEnd(); ++it) {
    std::string_view k(it->name.GetString(), it->name.GetStringLength());
    if (k == "nullable") {
      nullable = it->value.IsBool() && it->value.GetBool();
      continue;
    }
    if (k == "format" && it->value.IsString()) {
      std::string_view f = it->value.GetString();
      if (f == "uuid")
        out.AddMember("pattern", Value(kUuidPattern, a), a);
      else if (f == "date-time")
        out.AddMember("pattern", Value(kDatePattern, a), a);
      else if (f == "int32") {
        out.AddMember("minimum", Value(static_cast<int64_t>(-2147483648LL)), a);
        out.AddMember("maximum", Value(static_cast<int64_t>(2147483647LL)), a);
      }
      continue;
    }
    if (k == "discriminator" || k == "example" || k == "description" || k == "deprecated" ||
        k == "readOnly" || k == "writeOnly" || k == "xml" || k == "externalDocs")
      continue;
    // Properties/definitions maps hold schemas by name: translate values only.
    if (k == "properties" && it->value.IsObject()) {
      Value props(rapidjson::kObjectType);
      for (auto p = it->value.MemberBegin(); p != it->value.MemberEnd(); ++p)
        props.AddMember(Value(p->name, a), translate(p->value, a), a);
      out.AddMember(Value(it->name, a), props, a);
      continue;
    }
    out.AddMember(Value(it->name, a), translate(it->value, a), a);
  }
  if (nullable) {
    auto t = out.FindMember("type");
    if (t != out.MemberEnd() && t->value.IsString()) {
      Value types(rapidjson::kArrayType);
      types.PushBack(Value(t->value, a), a);
      types.PushBack("null", a);
      t->value = types;
      auto e = out.FindMember("enum");
      if (e != out.MemberEnd() && e->value.IsArray())
        e->value.PushBack(Value(rapidjson::kNullType), a);
    } else {
      Value wrapped(rapidjson::kObjectType);
      Value any(rapidjson::kArrayType);
      any.PushBack(out, a);
      Value null_schema(rapidjson::kObjectType);
      null_schema.AddMember("type", "null", a);
      any.PushBack(null_schema, a);
      wrapped.AddMember("anyOf", any, a);
      return wrapped;
    }
  }
  return out;
}

void collect_refs(const Value& v, std::set<std::string>& out) {
  if (v.IsObject()) {
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (std::string_view(it->name.GetString()) == "$ref" && it->value.IsString()) {
        std::string_view r = it->value.GetString();
        const std::string_view prefix = "#/components/schemas/";
        if (r.substr(0, prefix.size()) == prefix) out.insert(std::string(r.substr(prefix.size())));
      } else {
        collect_refs(it->value, out);
      }
    }
  } else if (v.IsArray()) {
    for (const auto& e : v.GetArray()) collect_refs(e, out);
  }
}

bool is_param(std::string_view seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

struct OpenApiContract::Compiled {
  Document doc;
  std::unique_ptr<rapidjson::SchemaDocument> schema;
};

OpenApiContract::~OpenApiContract() = default;

std::string OpenApiContract::default_path() {
  if (const char* p = std::getenv("JB_JELLYFIN_OPENAPI"); p && *p) return p;
  const char* src = std::getenv("JB_SOURCE_DIR");
  std::string base = src && *src ? src : JB_STANDIN_PROJECT_DIR;
  // The vendored copy (tests/standin/fixtures/README.md says where it comes from).
  return base + "/tests/standin/fixtures/jellyfin-openapi-10.11.11.json";
}

Result<std::unique_ptr<OpenApiContract>> OpenApiContract::load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Error("not_found", "Cannot read " + path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::unique_ptr<OpenApiContract> c(new OpenApiContract());
  std::string text = ss.str();
  c->spec_.Parse(text.data(), text.size());
  if (c->spec_.HasParseError())
    return Error("invalid_json", "The OpenAPI document is not valid JSON.");
  auto comps = c->spec_.FindMember("components");
  if (comps == c->spec_.MemberEnd() || !comps->value.HasMember("schemas"))
    return Error("invalid_spec", "The OpenAPI document has no components.schemas.");
  c->components_.SetObject();
  const Value& schemas = comps->value["schemas"];
  for (auto it = schemas.MemberBegin(); it != schemas.MemberEnd(); ++it)
    c->components_.AddMember(Value(it->name, c->components_.GetAllocator()),
                             translate(it->value, c->components_.GetAllocator()),
                             c->components_.GetAllocator());
  return c;
}

std::string documented_path(std::string_view method, std::string_view path) {
  auto segs = text::split(path, '/', true);
  auto eq = [](const std::string& a, std::string_view b) { return text::iequals(a, b); };
  // /Users/{userId}/... legacy forms (hidden since 10.9).
  if (segs.size() >= 3 && eq(segs[0], "Users")) {
    if (segs.size() == 3 && eq(segs[2], "Items")) return "/Items";
    if (segs.size() == 3 && eq(segs[2], "Views")) return "/UserViews";
    if (segs.size() == 3 && eq(segs[2], "Password")) return "/Users/Password";
    if (segs.size() == 4 && eq(segs[2], "PlayedItems")) return "/UserPlayedItems/" + segs[3];
    if (segs.size() == 4 && eq(segs[2], "FavoriteItems")) return "/UserFavoriteItems/" + segs[3];
    if (segs.size() == 4 && eq(segs[2], "Items")) return "/Items/" + segs[3];
    if (segs.size() == 5 && eq(segs[2], "Items") && eq(segs[4], "UserData"))
      return "/UserItems/" + segs[3] + "/UserData";
  }
  if (text::iequals(method, "GET") && segs.size() == 2 && eq(segs[0], "QuickConnect") &&
      eq(segs[1], "Initiate"))
    return "/QuickConnect/Initiate#post";
  return std::string(path);
}

const Value* OpenApiContract::response_schema(std::string_view method, std::string_view raw_path,
                                              int status, std::string& key) const {
  std::string path = documented_path(method, raw_path);
  std::string m = text::to_lower(method);
  if (auto hash = path.find('#'); hash != std::string::npos) {
    m = path.substr(hash + 1);
    path = path.substr(0, hash);
  }
  auto segs = text::split(path, '/', true);
  const Value& paths = spec_["paths"];
  const Value* best = nullptr;
  std::vector<std::string> best_segs;
  std::string best_name;
  for (auto it = paths.MemberBegin(); it != paths.MemberEnd(); ++it) {
    auto tsegs = text::split(it->name.GetString(), '/', true);
    if (tsegs.size() != segs.size()) continue;
    bool ok = true;
    for (size_t i = 0; ok && i < segs.size(); ++i)
      ok = is_param(tsegs[i]) || text::iequals(tsegs[i], segs[i]);
    if (!ok || !it->value.HasMember(m.c_str())) continue;
    bool better = !best;
    for (size_t i = 0; !better && i < segs.size(); ++i) {
      bool lt = !is_param(tsegs[i]), lb = !is_param(best_segs[i]);
      if (lt != lb) {
        better = lt;
        break;
      }
    }
    if (better) {
      best = &it->value[m.c_str()];
      best_segs = tsegs;
      best_name = it->name.GetString();
    }
  }
  key = m + " " + best_name + " " + std::to_string(status);
  if (!best) return nullptr;
  auto resp = best->FindMember("responses");
  if (resp == best->MemberEnd()) return nullptr;
  std::string code = std::to_string(status);
  auto r = resp->value.FindMember(code.c_str());
  if (r == resp->value.MemberEnd()) return nullptr;
  auto content = r->value.FindMember("content");
  if (content == r->value.MemberEnd()) return nullptr;
  auto json = content->value.FindMember("application/json");
  if (json == content->value.MemberEnd()) return nullptr;
  auto schema = json->value.FindMember("schema");
  if (schema == json->value.MemberEnd()) return nullptr;
  return &schema->value;
}

OpenApiContract::Lookup OpenApiContract::find(std::string_view method, std::string_view path,
                                              int status) const {
  Lookup l;
  std::string key;
  const Value* s = response_schema(method, path, status, key);
  // key = "<method> <template> <status>"; template empty when no path matched.
  auto first = key.find(' '), last = key.rfind(' ');
  l.template_path = key.substr(first + 1, last - first - 1);
  l.path_found = !l.template_path.empty();
  l.has_json_schema = s != nullptr;
  if (l.path_found) {
    std::string m = text::to_lower(method);
    std::string p = documented_path(method, path);
    if (auto h = p.find('#'); h != std::string::npos) m = p.substr(h + 1);
    const Value& op = spec_["paths"][l.template_path.c_str()][m.c_str()];
    l.status_found =
        op.HasMember("responses") && op["responses"].HasMember(std::to_string(status).c_str());
  }
  return l;
}

OpenApiContract::Compiled* OpenApiContract::compile(const std::string& key, const Value& schema) {
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second.get();
  auto c = std::make_unique<Compiled>();
  Alloc& a = c->doc.GetAllocator();
  Value root = translate(schema, a);
  // Copy the transitive closure of referenced components.
  std::set<std::string> need, done;
  collect_refs(root, need);
  Value schemas(rapidjson::kObjectType);
  while (!need.empty()) {
    std::string n = *need.begin();
    need.erase(need.begin());
    if (!done.insert(n).second) continue;
    auto m = components_.FindMember(n.c_str());
    if (m == components_.MemberEnd()) continue;
    std::set<std::string> more;
    collect_refs(m->value, more);
    for (const auto& x : more)
      if (!done.count(x)) need.insert(x);
    schemas.AddMember(Value(n.c_str(), a), Value(m->value, a), a);
  }
  if (!root.IsObject()) root.SetObject();
  Value comps(rapidjson::kObjectType);
  comps.AddMember("schemas", schemas, a);
  root.AddMember("components", comps, a);
  static_cast<Value&>(c->doc).Swap(root);
  c->schema = std::make_unique<rapidjson::SchemaDocument>(c->doc);
  Compiled* out = c.get();
  cache_[key] = std::move(c);
  return out;
}

std::string OpenApiContract::run(Compiled* c, const Value& body) {
  rapidjson::SchemaValidator v(*c->schema);
  if (body.Accept(v)) return "";
  rapidjson::StringBuffer sp, dp;
  v.GetInvalidSchemaPointer().StringifyUriFragment(sp);
  v.GetInvalidDocumentPointer().StringifyUriFragment(dp);
  return std::string("keyword '") + v.GetInvalidSchemaKeyword() + "' failed at document " +
         dp.GetString() + " (schema " + sp.GetString() + ")";
}

std::string OpenApiContract::validate(std::string_view method, std::string_view path, int status,
                                      const Value& body) {
  std::lock_guard lock(mu_);
  std::string key;
  const Value* s = response_schema(method, path, status, key);
  if (!s) return "no JSON schema documented for " + key;
  return run(compile(key, *s), body);
}

std::string OpenApiContract::validate_component(const std::string& name, const Value& body) {
  std::lock_guard lock(mu_);
  Document ref;
  ref.SetObject();
  std::string target = "#/components/schemas/" + name;
  ref.AddMember("$ref", Value(target.c_str(), ref.GetAllocator()), ref.GetAllocator());
  std::string key = "component " + name;
  // compile() translates the root again; a bare $ref translates to itself.
  return run(compile(key, ref), body);
}

}  // namespace jb::standin::testing
