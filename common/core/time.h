// time.h — clocks and the date formats we exchange with Jellyfin and clients.
//
// Internally every instant is an int64 count of microseconds since the Unix
// epoch, UTC ("unix_us"). Jellyfin writes dates as `yyyy-MM-ddTHH:mm:ss.fffffffZ`
// when the millisecond part is zero, otherwise the ISO round-trip form with
// trailing zero fraction digits trimmed (API-NOTES §8). Parsing accepts 0–7
// fraction digits, `Z`, `±HH:MM`/`±HHMM` offsets or no zone (taken as UTC, the
// server's zone), and the legacy `yyyyMMddHHmmss` form of `datePlayed`.
//
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jb::timeutil {

constexpr int64_t kTicksPerSecond = 10'000'000;  // .NET ticks (100 ns)
constexpr int64_t kUsPerSecond = 1'000'000;
// Jellyfin's unset DateTime: 0001-01-01T00:00:00Z.
constexpr int64_t kDotnetMinUnixUs = -62135596800LL * kUsPerSecond;

int64_t now_unix_us();
int64_t now_unix_ms();
int64_t now_unix_s();
int64_t monotonic_ms();

// Jellyfin's JSON date output (see header comment).
std::string format_jellyfin(int64_t unix_us);
// RFC 3339 with second precision and `Z`, for our own API.
std::string format_rfc3339(int64_t unix_us);
// ISO 8601 / RFC 3339 date-time, or `yyyyMMddHHmmss` when allow_compact.
std::optional<int64_t> parse_iso8601(std::string_view s, bool allow_compact = false);

// Days since 1970-01-01 for a civil date (proleptic Gregorian), and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

}  // namespace jb::timeutil
