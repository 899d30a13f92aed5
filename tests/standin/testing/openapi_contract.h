// openapi_contract.h — checks the stand-in's JSON answers against Jellyfin's
// own OpenAPI document (10.11.11, vendored as tests/standin/fixtures/jellyfin-openapi-10.11.11.json).
//
// The response schema is found from the document's `paths` section: the
// request path is matched against the path templates (case-insensitive,
// literal segments preferred), then `responses.<status>.content.
// application/json.schema`. Routes Jellyfin serves but hides from the
// document (legacy /Users/{userId}/... forms, GET /QuickConnect/Initiate) are
// mapped to their documented equivalents by a small alias table.
//
// OpenAPI 3.0 → JSON Schema (draft 4, what RapidJSON validates) translation:
//   * `nullable: true` → the type list gains "null" (or anyOf [..., null]);
//   * `format: uuid` → pattern ^[0-9a-f]{32}$ (Jellyfin writes Guid "N");
//   * `format: date-time` → Jellyfin's writer pattern (…T…(.f{1,7})?Z);
//   * `format: int32` → minimum/maximum of a 32-bit integer;
//   * `$ref: #/components/schemas/X` kept; the referenced components are
//     copied next to the root schema so RapidJSON resolves them locally;
//   * `additionalProperties: false` kept (unknown properties fail);
//   * everything else (description, deprecated, discriminator…) is ignored.
//
// Thread-safety: load() once; validate() serialises on an internal mutex.
#pragma once

#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/core/result.h"

namespace jb::standin::testing {

class OpenApiContract {
 public:
  // JB_JELLYFIN_OPENAPI, else the vendored tests/standin/fixtures/jellyfin-openapi-10.11.11.json.
  static std::string default_path();
  static Result<std::unique_ptr<OpenApiContract>> load(const std::string& path);
  ~OpenApiContract();

  struct Lookup {
    bool path_found = false;  // a documented path template matched
    std::string template_path;
    bool status_found = false;  // the status is documented for the method
    bool has_json_schema = false;
  };
  Lookup find(std::string_view method, std::string_view path, int status) const;

  // "" when valid; otherwise a description of the first violation.
  std::string validate(std::string_view method, std::string_view path, int status,
                       const rapidjson::Value& body);
  // Validates against a named component schema (e.g. "ProblemDetails").
  std::string validate_component(const std::string& name, const rapidjson::Value& body);

 private:
  OpenApiContract() = default;
  struct Compiled;
  const rapidjson::Value* response_schema(std::string_view method, std::string_view path,
                                          int status, std::string& key) const;
  Compiled* compile(const std::string& key, const rapidjson::Value& schema);
  std::string run(Compiled* c, const rapidjson::Value& body);

  rapidjson::Document spec_;
  rapidjson::Document components_;  // translated components.schemas
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Compiled>> cache_;
};

// Maps a hidden legacy route (relative path) to its documented form.
std::string documented_path(std::string_view method, std::string_view path);

}  // namespace jb::standin::testing
