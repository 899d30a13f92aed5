// state_file.h — the --state-file format (docs/standin.md, "State files"):
// what a restarted stand-in needs to carry on where it stopped. It is the
// seed format (seed.h) with every value explicit plus
//   "StateVersion": 1       first member; a file without it is not a state file
//   "Source": "…"           the content options it was first created from
//   "Devices": [ … ]        the issued access tokens with their device rows
// Content, users (password hashes, policies, login state), API keys and user
// data come from the seed members. Not persisted: Quick Connect requests,
// forgot-password PINs, test-control "playing" sessions, faults, latency,
// counters, the request log, the clock offset and the runtime switches.
//
// serialize_state(parse_state(serialize_state(p))) == serialize_state(p), and
// Devices are sorted, so identical states give identical bytes.
//
// Thread-safety: pure functions; persisted_part() must run under the Store's
// (shared) lock like any State reader.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/result.h"
#include "tests/standin/state.h"

namespace jb::standin {

inline constexpr int kStateVersion = 1;

struct PersistedState {
  Catalog cat;
  std::vector<Device> devices;  // one per access token
  std::string source;           // State::source
};

// Copies the persisted part of a live State.
PersistedState persisted_part(const State& s);
std::string serialize_state(const PersistedState& p);
// Error code "invalid_state_file"; the message starts with `label` (e.g.
// "State file var/a.json") and names the offending property.
Result<PersistedState> parse_state(std::string_view text, const std::string& label);
// The live State for a persisted one (indexes built, tokens keyed).
State restore_state(PersistedState p);

// Reads and parses the file: nullopt when it does not exist; an error
// ("invalid_state_file") naming the file when it cannot be read or parsed.
Result<std::optional<PersistedState>> read_state_file(const std::string& path);

}  // namespace jb::standin
