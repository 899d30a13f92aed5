// seed.h — the seed-file format (docs/standin.md): a JSON document with the
// server identity, users (password, policy), API keys, libraries with their
// items (movies, series → seasons → episodes) and per-user item data keyed by
// user name. Everything optional is defaulted deterministically (ids derived
// from the server id and the item's position, paths from names), so the same
// file always yields the same Catalog. dump_seed() writes a Catalog back in
// the same format with every value explicit (parse(dump(c)) reproduces c);
// it is also how the generator's output is compared byte for byte.
//
// Thread-safety: pure functions (load_seed_file reads one file).
#pragma once

#include <string>
#include <string_view>

#include "common/json.h"
#include "common/result.h"
#include "tests/standin/model.h"

namespace jb::standin {

// Error code "invalid_seed"; the message names the offending path.
Result<Catalog> parse_seed(std::string_view json_text);
Result<Catalog> load_seed_file(const std::string& path);
std::string dump_seed(const Catalog& c);
// Adds one item in the seed item format (with nested Seasons/Episodes) under
// `parent` (a library's Folder for Movie/Series, a series for a Season, a
// season for an Episode). Missing ids are random, DateCreated/DateLastSaved
// default to now. Returns the new item's index; nothing is added on error.
Result<uint32_t> add_seed_item(Catalog& c, const json::Value& item, uint32_t parent,
                               int64_t now_us);

}  // namespace jb::standin
