// time.cpp — see time.h.
#include "common/core/time.h"

#include <chrono>
#include <cstdio>

namespace jb::timeutil {

int64_t now_unix_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}
int64_t now_unix_ms() {
  return now_unix_us() / 1000;
}
int64_t now_unix_s() {
  return now_unix_us() / kUsPerSecond;
}
int64_t monotonic_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days(year_month_day(year(static_cast<int>(y)), month(m), day(d)))
      .time_since_epoch()
      .count();
}

namespace {

struct Civil {
  int64_t y;
  unsigned mo, d, h, mi, s;
  int64_t us;  // fraction in microseconds
};

Civil to_civil(int64_t unix_us) {
  using namespace std::chrono;
  int64_t secs = unix_us / kUsPerSecond;
  int64_t frac = unix_us % kUsPerSecond;
  if (frac < 0) {
    frac += kUsPerSecond;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  return Civil{static_cast<int>(ymd.year()),
               static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),
               static_cast<unsigned>(rem / 3600),
               static_cast<unsigned>((rem % 3600) / 60),
               static_cast<unsigned>(rem % 60),
               frac};
}

bool digits(std::string_view s, size_t pos, size_t n, int64_t& out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

std::optional<int64_t> assemble(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s,
                                int64_t us, int64_t offset_s) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{year(static_cast<int>(y)), month(static_cast<unsigned>(mo)),
                     day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  if (s == 60) s = 59;  // leap second: clamp
  int64_t days = sys_days(ymd).time_since_epoch().count();
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_s;
  return secs * kUsPerSecond + us;
}

}  // namespace

std::string format_jellyfin(int64_t unix_us) {
  Civil c = to_civil(unix_us);
  char buf[64];
  int64_t ms = c.us / 1000;
  if (ms == 0) {
    // 7 fraction digits (ticks); sub-millisecond part is still written.
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%07lldZ",
                  static_cast<long long>(c.y), c.mo, c.d, c.h, c.mi, c.s,
                  static_cast<long long>(c.us * 10));
    return buf;
  }
  char frac[16];
  std::snprintf(frac, sizeof frac, "%07lld", static_cast<long long>(c.us * 10));
  std::string f(frac);
  while (!f.empty() && f.back() == '0') f.pop_back();
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%sZ", static_cast<long long>(c.y),
                c.mo, c.d, c.h, c.mi, c.s, f.c_str());
  return buf;
}

std::string format_rfc3339(int64_t unix_us) {
  Civil c = to_civil(unix_us);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02uZ", static_cast<long long>(c.y),
                c.mo, c.d, c.h, c.mi, c.s);
  return buf;
}

std::optional<int64_t> parse_iso8601(std::string_view s, bool allow_compact) {
  int64_t y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (allow_compact && s.size() == 14 &&
      s.find_first_not_of("0123456789") == std::string_view::npos) {
    digits(s, 0, 4, y);
    digits(s, 4, 2, mo);
    digits(s, 6, 2, d);
    digits(s, 8, 2, h);
    digits(s, 10, 2, mi);
    digits(s, 12, 2, sec);
    return assemble(y, mo, d, h, mi, sec, 0, 0);
  }
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  size_t p = 10;
  int64_t us = 0, offset = 0;
  if (p < s.size() && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
    if (!digits(s, p + 1, 2, h) || p + 3 >= s.size() || s[p + 3] != ':' || !digits(s, p + 4, 2, mi))
      return std::nullopt;
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, sec)) return std::nullopt;
      p += 3;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        size_t start = ++p;
        int64_t frac = 0;
        int n = 0;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
          if (n < 7) {
            frac = frac * 10 + (s[p] - '0');
            ++n;
          }
          ++p;
        }
        if (p == start || p - start > 7) return std::nullopt;
        while (n < 7) {
          frac *= 10;
          ++n;
        }
        us = frac / 10;  // ticks → µs
      }
    }
  }
  if (p < s.size()) {
    if ((s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) {
      // UTC
    } else if (s[p] == '+' || s[p] == '-') {
      int64_t oh, om = 0;
      int sign = s[p] == '-' ? -1 : 1;
      if (!digits(s, p + 1, 2, oh)) return std::nullopt;
      size_t q = p + 3;
      if (q < s.size() && s[q] == ':') ++q;
      if (q < s.size()) {
        if (!digits(s, q, 2, om) || q + 2 != s.size()) return std::nullopt;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset = sign * (oh * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
  }
  return assemble(y, mo, d, h, mi, sec, us, offset);
}

}  // namespace jb::timeutil
