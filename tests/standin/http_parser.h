// http_parser.h — a strict, bounded HTTP/1.1 request parser over a byte
// buffer. The server keeps the bytes a connection has received and calls
// parse_request() until it reports a complete request (and how many bytes it
// used) or an error with the status to answer (400, 413, 414, 431, 501, 505).
// Supports Content-Length and chunked bodies; rejects obs-fold, invalid
// header names, conflicting lengths. The outcome never depends on how the
// bytes were split: every strict prefix of a complete request is incomplete
// (limits included: a line at its limit whose CR has arrived but not its LF).
// A chunk-size line (with its extensions) has at most 1024 bytes.
//
// Why not Pistache's parser: Pistache 0.0.5 keeps only the first of repeated
// query keys and gives no access to the raw request-target, while Jellyfin
// accepts `Fields=A&Fields=B`. Pistache still does all socket I/O.
//
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "tests/standin/http_message.h"

namespace jb::standin {

struct HttpLimits {
  size_t max_request_line = 8 * 1024;       // Kestrel: 8 KiB  → 414
  size_t max_header_bytes = 32 * 1024;      // Kestrel: 32 KiB → 431
  size_t max_body_bytes = 4 * 1024 * 1024;  //            → 413
};

struct ParseOutcome {
  enum Kind { kIncomplete, kComplete, kError } kind = kIncomplete;
  size_t consumed = 0;   // kComplete: bytes of buf that formed the request
  int error_status = 0;  // kError: status to answer before closing
  std::string error;     // kError: short reason (for logs)
  bool expect_continue =
      false;        // kIncomplete: headers done, body pending, client sent Expect: 100-continue
  size_t need = 0;  // kIncomplete: no point parsing again before buf has this many bytes
};

ParseOutcome parse_request(std::string_view buf, const HttpLimits& limits, HttpRequest& out);

}  // namespace jb::standin
