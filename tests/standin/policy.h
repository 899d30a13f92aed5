// policy.h — Jellyfin's UserPolicy on the wire: writing the full object
// (every property, in the schema's order, nulls omitted) and reading a posted
// or seeded policy wholesale (absent properties take UserPolicy's constructor
// defaults; values of the wrong JSON type are errors, numbers may be strings
// as with AllowReadingFromString). AuthenticationProviderId and
// PasswordResetProviderId are [Required] non-empty when posted.
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "common/core/json.h"
#include "common/core/result.h"
#include "tests/standin/model.h"

namespace jb::standin {

void write_policy(json::Writer& w, const Policy& p);

struct PolicyReadOptions {
  bool require_provider_ids = true;  // POST /Users/{id}/Policy: [Required]
  bool case_insensitive = true;      // ASP.NET Core body binding
  // Resolves an EnabledFolders element; defaults to GUID parsing. The seed
  // reader also accepts library names.
  std::function<std::optional<Guid>(std::string_view)> resolve_folder;
};

// Errors carry code "validation" and the offending property in the message.
Result<Policy> read_policy(const json::Value& obj, const PolicyReadOptions& opts);

}  // namespace jb::standin
