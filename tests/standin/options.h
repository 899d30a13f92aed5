// options.h — the jellyfin-standin command line, parsed into StandinOptions
// by a pure function (so it is unit-tested without a process), and the
// --help text.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "common/core/result.h"
#include "tests/standin/standin.h"

namespace jb::standin {

struct CliOptions {
  StandinOptions standin;
  bool help = false;
  bool dump_seed = false;
};

// Iterations used by --cheap-hashing (tests); the default is Jellyfin's 210000.
inline constexpr int kCheapPbkdf2Iterations = 1000;

Result<CliOptions> parse_cli(const std::vector<std::string>& args);
std::string usage();

}  // namespace jb::standin
