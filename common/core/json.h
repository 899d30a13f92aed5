// json.h — RapidJSON helpers: safe parsing of untrusted text, a small builder
// that omits nulls on request, lenient getters for documents from peers, and a
// field validator that collects precise per-field errors for API input.
//
// Parsing is iterative (no recursion), so deeply nested hostile input cannot
// exhaust the stack. All errors are values.
//
// Thread-safety: free functions are pure. Writer and Fields are plain objects,
// one per thread/request.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* invalid_json = "invalid_json";  // 400: not valid JSON
}  // namespace jb::errc

namespace jb::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;

// Parses text; the error says where and why ("invalid JSON at offset 7: Missing a
// colon after a name of object member.") with code "invalid_json".
Result<Document> parse(std::string_view text);
std::string stringify(const Value& v);

// Lenient accessors for documents from peers (Jellyfin): wrong type = absent. An integer
// may come as a string or a double (truncated); a double beyond int64's range is absent.
const Value* member(const Value& obj, const char* key);
std::string get_string(const Value& obj, const char* key, std::string fallback = {});
std::optional<std::string> opt_string(const Value& obj, const char* key);
int64_t get_int(const Value& obj, const char* key, int64_t fallback = 0);
std::optional<int64_t> opt_int(const Value& obj, const char* key);
bool get_bool(const Value& obj, const char* key, bool fallback = false);
std::optional<bool> opt_bool(const Value& obj, const char* key);
// Case-insensitive member lookup (ASP.NET Core matches body property names so).
const Value* member_ci(const Value& obj, std::string_view key);

// Streaming builder around rapidjson::Writer.
class Writer {
 public:
  Writer() : w_(buf_) {}
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  Writer& begin_object() {
    w_.StartObject();
    return *this;
  }
  Writer& end_object() {
    w_.EndObject();
    return *this;
  }
  Writer& begin_array() {
    w_.StartArray();
    return *this;
  }
  Writer& end_array() {
    w_.EndArray();
    return *this;
  }
  Writer& key(std::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  Writer& value(std::string_view s) {
    w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return *this;
  }
  Writer& value(const char* s) { return value(std::string_view(s)); }
  Writer& value(const std::string& s) { return value(std::string_view(s)); }
  Writer& value(bool b) {
    w_.Bool(b);
    return *this;
  }
  Writer& value(int v) {
    w_.Int64(v);
    return *this;
  }
  Writer& value(int64_t v) {
    w_.Int64(v);
    return *this;
  }
  Writer& value(long long v) {
    w_.Int64(static_cast<int64_t>(v));
    return *this;
  }
  Writer& value(uint64_t v) {
    w_.Uint64(v);
    return *this;
  }
  Writer& value(double v) {
    w_.Double(v);
    return *this;
  }
  Writer& null() {
    w_.Null();
    return *this;
  }
  Writer& value(const Value& v) {
    v.Accept(w_);
    return *this;
  }
  // Inserts already-serialised JSON (must be valid).
  Writer& raw(std::string_view json) {
    w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
  }

  template <typename T>
  Writer& kv(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  // Writes the pair only when v has a value (Jellyfin omits nulls).
  template <typename T>
  Writer& kv_opt(std::string_view k, const std::optional<T>& v) {
    if (v) {
      key(k);
      value(*v);
    }
    return *this;
  }
  Writer& kv_null(std::string_view k) {
    key(k);
    return null();
  }

  std::string str() const { return std::string(buf_.GetString(), buf_.GetSize()); }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

// Validates an API request object, collecting every problem at once.
//   json::Fields f(doc);
//   auto name = f.string("username", true);
//   if (!f.ok()) return f.error();   // 400, names every bad field
class Fields {
 public:
  explicit Fields(const Value& v);

  std::optional<std::string> string(const char* name, bool required, size_t max_len = 4096);
  std::optional<int64_t> integer(const char* name, bool required, int64_t min = INT64_MIN,
                                 int64_t max = INT64_MAX);
  std::optional<bool> boolean(const char* name, bool required);
  const Value* array(const char* name, bool required);
  const Value* object(const char* name, bool required);
  // Reports members not in `allowed` (typos should not be silently ignored).
  void reject_unknown(const std::vector<std::string_view>& allowed);
  void add_problem(std::string field, std::string problem);

  bool ok() const { return problems_.empty(); }
  const std::vector<std::pair<std::string, std::string>>& problems() const { return problems_; }
  // code "invalid_request", status 400, message lists each field problem.
  Error error() const;

 private:
  const Value* find(const char* name, bool required);
  const Value* obj_;
  std::vector<std::pair<std::string, std::string>> problems_;
};

}  // namespace jb::json
