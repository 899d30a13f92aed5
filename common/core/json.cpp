// json.cpp — see json.h.
#include "common/core/json.h"

#include <rapidjson/error/en.h>

#include "common/core/result.h"
#include "common/core/text.h"

namespace jb::json {

Result<Document> parse(std::string_view text) {
  Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (d.HasParseError()) {
    return Error(errc::invalid_json,
                 "The body is not valid JSON: " +
                     std::string(rapidjson::GetParseError_En(d.GetParseError())) + " (at byte " +
                     std::to_string(d.GetErrorOffset()) + ").",
                 400);
  }
  return d;
}

std::string stringify(const Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return std::string(b.GetString(), b.GetSize());
}

const Value* member(const Value& obj, const char* key) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return nullptr;
  return &it->value;
}

const Value* member_ci(const Value& obj, std::string_view key) {
  if (!obj.IsObject()) return nullptr;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (text::iequals(name, key)) return &it->value;
  }
  return nullptr;
}

std::string get_string(const Value& obj, const char* key, std::string fallback) {
  auto v = opt_string(obj, key);
  return v ? *v : fallback;
}

std::optional<std::string> opt_string(const Value& obj, const char* key) {
  const Value* v = member(obj, key);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  return std::string(v->GetString(), v->GetStringLength());
}

int64_t get_int(const Value& obj, const char* key, int64_t fallback) {
  auto v = opt_int(obj, key);
  return v ? *v : fallback;
}

std::optional<int64_t> opt_int(const Value& obj, const char* key) {
  const Value* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (v->IsInt64()) return v->GetInt64();
  if (v->IsDouble()) {
    // Only a double within int64's range converts (1e300 or 2^64 would be undefined
    // behaviour); beyond it the number is as good as absent.
    double d = v->GetDouble();
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  if (v->IsString()) {  // Jellyfin: AllowReadingFromString
    int64_t out;
    if (text::parse_int64(std::string_view(v->GetString(), v->GetStringLength()), out)) return out;
  }
  return std::nullopt;
}

bool get_bool(const Value& obj, const char* key, bool fallback) {
  auto v = opt_bool(obj, key);
  return v ? *v : fallback;
}

std::optional<bool> opt_bool(const Value& obj, const char* key) {
  const Value* v = member(obj, key);
  if (v == nullptr || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

Fields::Fields(const Value& v) : obj_(&v) {
  if (!v.IsObject()) problems_.emplace_back("(body)", "must be a JSON object");
}

const Value* Fields::find(const char* name, bool required) {
  if (!obj_->IsObject()) return nullptr;
  auto it = obj_->FindMember(name);
  if (it == obj_->MemberEnd() || it->value.IsNull()) {
    if (required) problems_.emplace_back(name, "is required");
    return nullptr;
  }
  return &it->value;
}

std::optional<std::string> Fields::string(const char* name, bool required, size_t max_len) {
  const Value* v = find(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->IsString()) {
    problems_.emplace_back(name, "must be a string");
    return std::nullopt;
  }
  if (v->GetStringLength() > max_len) {
    problems_.emplace_back(name, "is longer than " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  if (required && v->GetStringLength() == 0) {
    problems_.emplace_back(name, "must not be empty");
    return std::nullopt;
  }
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<int64_t> Fields::integer(const char* name, bool required, int64_t min, int64_t max) {
  const Value* v = find(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->IsInt64()) {
    problems_.emplace_back(name, "must be an integer");
    return std::nullopt;
  }
  int64_t x = v->GetInt64();
  if (x < min || x > max) {
    problems_.emplace_back(
        name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return x;
}

std::optional<bool> Fields::boolean(const char* name, bool required) {
  const Value* v = find(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->IsBool()) {
    problems_.emplace_back(name, "must be true or false");
    return std::nullopt;
  }
  return v->GetBool();
}

const Value* Fields::array(const char* name, bool required) {
  const Value* v = find(name, required);
  if (v == nullptr) return nullptr;
  if (!v->IsArray()) {
    problems_.emplace_back(name, "must be an array");
    return nullptr;
  }
  return v;
}

const Value* Fields::object(const char* name, bool required) {
  const Value* v = find(name, required);
  if (v == nullptr) return nullptr;
  if (!v->IsObject()) {
    problems_.emplace_back(name, "must be an object");
    return nullptr;
  }
  return v;
}

void Fields::reject_unknown(const std::vector<std::string_view>& allowed) {
  if (!obj_->IsObject()) return;
  for (auto it = obj_->MemberBegin(); it != obj_->MemberEnd(); ++it) {
    std::string_view n(it->name.GetString(), it->name.GetStringLength());
    bool known = false;
    for (auto a : allowed) known = known || a == n;
    if (!known) problems_.emplace_back(std::string(n), "is not a known field");
  }
}

void Fields::add_problem(std::string field, std::string problem) {
  problems_.emplace_back(std::move(field), std::move(problem));
}

Error Fields::error() const {
  std::string msg = "The request is invalid: ";
  for (size_t i = 0; i < problems_.size(); ++i) {
    if (i) msg += "; ";
    msg += problems_[i].first == "(body)" ? "the body" : "'" + problems_[i].first + "'";
    msg += " " + problems_[i].second;
  }
  msg += ".";
  return Error(errc::invalid_request, msg, 400);
}

}  // namespace jb::json
