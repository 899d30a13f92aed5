// user_agent.h — a short, human label for the device behind a User-Agent
// header ("Firefox on Linux", "Safari on iOS", "curl"), for security
// notifications ("New sign-in … (Chrome on Windows)") and for deciding whether
// a sign-in comes from a device the user has not used before.
//
// It is a label, not a parser: the browser families and operating systems
// people recognise, looked for in the order that keeps derived browsers apart
// (Edge and Opera say "Chrome" too, Chrome says "Safari", Android says
// "Linux"); anything else is the first product token (e.g. a Jellyfin app's
// or a script's name). No library in Debian does this for C++, and a full
// User-Agent database would be far more than a label needs.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

namespace jb::ua {

// "<browser> on <os>", "<browser>", "<os>" or the first product token
// (printable ASCII, at most 40 characters); "" for an empty header.
std::string device_label(std::string_view user_agent);

}  // namespace jb::ua
