// seed.h — the seed-file format (docs/standin.md): a JSON document with the
// server identity, users (password, policy), API keys, libraries with their
// items (movies, series → seasons → episodes) and per-user item data keyed by
// user name. Everything optional is defaulted deterministically (ids derived
// from the server id and the item's position, paths from names), so the same
// file always yields the same Catalog. dump_seed() writes a Catalog back in
// the same format with every value explicit (parse(dump(c)) reproduces c);
// it is also how the generator's output is compared byte for byte.
// The --state-file format (state_file.h) is this format plus a few top-level
// properties, read in "exact" mode (no defaults) through parse_seed_value and
// written through write_seed_members.
//
// Thread-safety: pure functions (load_seed_file reads one file).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/core/json.h"
#include "common/core/result.h"
#include "tests/standin/model.h"

namespace jb::standin {

// Error code "invalid_seed"; the message names the offending path.
Result<Catalog> parse_seed(std::string_view json_text);
Result<Catalog> load_seed_file(const std::string& path);
std::string dump_seed(const Catalog& c);

struct SeedReadOptions {
  std::string label = "Seed file";  // prefix of error messages
  // A state file: what dump_seed wrote is taken as is. Absent dates stay unset,
  // empty Name/Path and ProviderIds values are kept, a season may lack
  // IndexNumber (the test-control API can produce all of these).
  bool exact = false;
  // Further top-level properties the caller reads itself.
  std::vector<std::string> extra_root_keys;
};
// parse_seed on an already parsed document (error code "invalid_seed").
Result<Catalog> parse_seed_value(const json::Value& root, const SeedReadOptions& opts);
// The members of dump_seed's object, written into an object the caller has
// opened (so other formats can add their own members around them).
void write_seed_members(json::Writer& w, const Catalog& c);
// Adds one item in the seed item format (with nested Seasons/Episodes) under
// `parent` (a library's Folder for Movie/Series, a series for a Season, a
// season for an Episode). Missing ids are random, DateCreated/DateLastSaved
// default to now. Returns the new item's index; nothing is added on error.
Result<uint32_t> add_seed_item(Catalog& c, const json::Value& item, uint32_t parent,
                               int64_t now_us);

}  // namespace jb::standin
