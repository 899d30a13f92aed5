// last_event_id_fuzz.cpp — where a client resumes a run's event stream: the
// `Last-Event-ID` header (and `?last_event_id=`) as read by
// auth-service/sync_api/sse.h parse_event_id, and the event framing whose ids
// a client sends back (sse::event, sse::comment, sse::retry), read by a
// WHATWG event-stream parser written here from the specification.
//
// Input: a Last-Event-ID value, e.g. ` 42 `; the same bytes also give an event
// name (up to the first newline), data (all of it) and an id.
// Asserts:
//  * parse_event_id accepts exactly a decimal number below 2^64 with blanks
//    around it (checked against a reference), and what it accepts prints back
//    as those digits (leading zeros aside); every id prints and parses back;
//  * an event, as a browser's EventSource reads it: exactly one event, with
//    the name less CR/LF/NUL ("message" when empty), the data with CRLF and CR
//    as LF, and the id as the last event id; a comment or a retry hint
//    dispatches nothing.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "auth-service/sync_api/sse.h"
#include "common/core/text.h"
#include "fuzz/fuzz_check.h"

namespace {

using jb::fuzz::show;
namespace sse = jb::auth::sse;

// The reference: blanks around, then 1+ digits whose value is below 2^64.
bool reference_accepts(std::string_view s) {
  s = jb::text::trim(s);
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s.size() < 20 || (s.size() == 20 && s <= "18446744073709551615");
}

struct Event {
  std::string type, data, last_id;
};

// WHATWG HTML §9.2.6 "Interpreting an event stream" (no BOM, no retry bookkeeping).
std::vector<Event> read_stream(std::string_view stream) {
  std::vector<Event> out;
  std::string type, data, last_id;
  bool any_data = false;
  size_t i = 0;
  while (i < stream.size()) {
    size_t end = i;
    while (end < stream.size() && stream[end] != '\r' && stream[end] != '\n') ++end;
    if (end == stream.size()) break;  // an unterminated last line is not processed
    std::string_view line = stream.substr(i, end - i);
    i = end + 1;
    if (stream[end] == '\r' && i < stream.size() && stream[i] == '\n') ++i;
    if (line.empty()) {  // dispatch
      if (any_data) {
        if (!data.empty() && data.back() == '\n') data.pop_back();
        out.push_back(Event{type.empty() ? "message" : type, data, last_id});
      }
      type.clear();
      data.clear();
      any_data = false;
      continue;
    }
    if (line.front() == ':') continue;  // comment
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon), value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "event") {
      type = std::string(value);
    } else if (field == "data") {
      data.append(value);
      data += '\n';
      any_data = true;
    } else if (field == "id") {
      if (value.find('\0') == std::string_view::npos) last_id = std::string(value);
    }
  }
  return out;
}

std::string without(std::string_view s, std::string_view drop) {
  std::string out;
  for (char c : s)
    if (drop.find(c) == std::string_view::npos) out += c;
  return out;
}

std::string lf_lines(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out += '\n';
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);

  auto id = sse::parse_event_id(in);
  FUZZ_CHECK(id.has_value() == reference_accepts(in),
             "parse_event_id " + std::string(id ? "accepts " : "refuses ") + show(in));
  if (id) {
    std::string digits(jb::text::trim(in));
    while (digits.size() > 1 && digits.front() == '0') digits.erase(0, 1);
    FUZZ_CHECK(std::to_string(*id) == digits, show(in) + " read as " + std::to_string(*id));
  }
  uint64_t any = 0;
  if (!in.empty()) std::memcpy(&any, in.data(), std::min(in.size(), sizeof any));
  for (uint64_t v : {any, any >> 1, any & 0xffff})
    FUZZ_CHECK(sse::parse_event_id(std::to_string(v)) == v, "id " + std::to_string(v));

  // An event as EventSource reads it.
  std::string_view name = in.substr(0, in.find('\n'));
  uint64_t event_id = id.value_or(any);
  std::string stream = sse::retry(static_cast<int64_t>(any % 100000)) + sse::comment(in) +
                       sse::event(name, in, event_id);
  auto events = read_stream(stream);
  FUZZ_CHECK(events.size() == 1, std::to_string(events.size()) + " events in " + show(stream));
  std::string want_type = without(name, std::string_view("\r\n\0", 3));
  if (want_type.empty()) want_type = "message";
  FUZZ_CHECK(events[0].type == want_type, "event type " + show(events[0].type) + " in " +
                                              show(stream) + ", expected " + show(want_type));
  FUZZ_CHECK(events[0].data == lf_lines(in), "event data " + show(events[0].data) + " in " +
                                                 show(stream) + ", expected " + show(lf_lines(in)));
  FUZZ_CHECK(events[0].last_id == (event_id ? std::to_string(event_id) : ""),
             "event id " + show(events[0].last_id) + " in " + show(stream));
  return 0;
}
