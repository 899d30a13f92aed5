// generator.h — deterministic synthetic libraries for tests, the demo and
// benchmarks: N movies in "Movies" (a few % also in "Movies 4K" with the
// same ProviderIds), M series × S seasons × E episodes in "Shows" (a few %
// two-episode files with IndexNumberEnd), users admin/admin-password and
// demo/demo-password with played/favorite/resume states.
//
// Two variants (a, b) model two servers holding the same titles: the same
// ProviderIds, different Jellyfin ids, paths and dates; a few % of titles
// exist on one variant only; metadata gaps (no ids, junk ids like "0", "tt",
// "null") are chosen per variant; `differ` % of (user, playable item) pairs
// have a different state on variant b. Every decision is a hash of
// (seed, purpose, indexes), so the same options always give the same Catalog
// (dump_seed() of it is byte-identical).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/core/result.h"
#include "tests/standin/model.h"

namespace jb::standin {

struct GeneratorOptions {
  int movies = 100;
  int series = 10;
  int seasons = 2;
  int episodes = 8;
  uint64_t seed = 1;
  char variant = 'a';
  int differ = 10;          // % of user×item states that differ on variant b
  int dup4k = 5;            // % of movies also in "Movies 4K"
  int missing = 3;          // % of items without ProviderIds
  int junk = 2;             // % of items with junk ProviderIds
  int exclusive = 2;        // % of titles missing from each variant
  int multi = 3;            // % of episodes that are two-episode files
  int users = 1;            // demo users: demo, demo2, … demoN (each with its own user data)
  std::string server_name;  // empty = "Jellyfin Stand-in A" / "... B"
};

// "movies=N,series=M,seasons=S,episodes=E,seed=K,variant=a|b,differ=P,
//  dup4k=P,missing=P,junk=P,exclusive=P,multi=P,users=N" (any subset, any order).
Result<GeneratorOptions> parse_generator_options(std::string_view spec);
std::string generator_spec(const GeneratorOptions& o);

Catalog generate(const GeneratorOptions& o);

// The fixed credentials of generated users (also printed by --demo).
inline constexpr const char* kDemoUser = "demo";
inline constexpr const char* kDemoPassword = "demo-password";
inline constexpr const char* kAdminUser = "admin";
inline constexpr const char* kAdminPassword = "admin-password";

}  // namespace jb::standin
