// sse.cpp — see sse.h.
#include "auth-service/sync_api/sse.h"

#include "common/core/text.h"

namespace jb::auth::sse {

namespace {

// Calls f(line) for each line of s; CRLF, CR and LF all end a line. An empty
// s is one empty line.
template <typename F>
void for_each_line(std::string_view s, F f) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\r' && s[i] != '\n') continue;
    f(s.substr(start, i - start));
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    start = i + 1;
  }
  f(s.substr(start));
}

std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '\r' && c != '\n' && c != '\0') out += c;
  return out;
}

}  // namespace

std::string event(std::string_view name, std::string_view data, uint64_t id) {
  std::string out;
  if (id != 0) out += "id: " + std::to_string(id) + "\n";
  if (std::string n = one_line(name); !n.empty()) out += "event: " + n + "\n";
  for_each_line(data, [&](std::string_view line) {
    out += "data: ";
    out.append(line);
    out += "\n";
  });
  return out + "\n";
}

std::string comment(std::string_view text) {
  std::string out;
  for_each_line(text, [&](std::string_view line) {
    out += ": ";
    out.append(line);
    out += "\n";
  });
  return out + "\n";
}

std::string retry(int64_t ms) {
  return "retry: " + std::to_string(ms < 0 ? 0 : ms) + "\n\n";
}

std::optional<uint64_t> parse_event_id(std::string_view s) {
  uint64_t v = 0;
  if (!text::parse_uint64(text::trim(s), v)) return std::nullopt;
  return v;
}

}  // namespace jb::auth::sse
