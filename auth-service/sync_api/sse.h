// sse.h — the text/event-stream format (WHATWG HTML, "Server-sent events"):
// pure functions that frame an event, a comment and the reconnection hint, and
// read the event id a client resumes from.
//
//   sse::retry(1000)                      → "retry: 1000\n\n"
//   sse::event("state", "{\"a\":1}", 42)  → "id: 42\nevent: state\ndata: {\"a\":1}\n\n"
//   sse::comment("keep-alive")            → ": keep-alive\n\n"
//
// Data containing line breaks (CRLF, CR or LF) is sent as one `data:` line per
// line, which a client joins back with "\n"; names and ids never contain line
// breaks (they are removed), so a value can never start a field of its own.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jb::auth::sse {

// One event; `id` 0 sends no id field (the client keeps its last one), an
// empty `name` no event field (a client's "message" event).
std::string event(std::string_view name, std::string_view data, uint64_t id = 0);
// A comment, which clients ignore (a heartbeat that keeps proxies from closing
// an idle connection); one ": " line per line of `text`.
std::string comment(std::string_view text);
// The reconnection delay a client should use, in milliseconds.
std::string retry(int64_t ms);
// The id a client sent back (Last-Event-ID header or last_event_id query): a
// decimal number below 2^64, blanks around it ignored. nullopt when malformed.
std::optional<uint64_t> parse_event_id(std::string_view s);

}  // namespace jb::auth::sse
