// standin_http_request_fuzz.cpp — the Jellyfin stand-in's HTTP/1.1 request
// parser (tests/standin/http_parser.h) as its server uses it: called on the
// bytes a connection has received so far, request after request (pipelining),
// with Content-Length and chunked bodies, under the default limits and under
// small ones (so the 413/414/431 edges are reachable).
//
// Input: the bytes a client sends on one connection, e.g.
// `GET /System/Info/Public HTTP/1.1\r\nHost: h\r\n\r\nPOST /a HTTP/1.1\r\n…`.
// Asserts, for every request parsed:
//  * it used 1..all of the buffered bytes; the method is a token, the path is
//    origin-form, header names are tokens and values have no surrounding
//    blanks or line breaks; the body fits the limit and matches Content-Length;
//  * arrival in pieces does not matter: every strict prefix of the request's
//    bytes (cut at and around each line break, and elsewhere) is incomplete —
//    never an error, never a request — and asks for no more than the request
//    has (`need`), so the server, which waits for `need` bytes, gets there;
//  * written out again (Content-Length framing) it parses to the same request;
//  * its query and path split and decode without surprises (QueryParams,
//    path_segments; see standin_query_fuzz.cpp for their own invariants).
// An error is one of 400, 413, 414, 431, 501, 505; an incomplete parse asks
// for nothing (need 0) or for more than it has.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/text.h"
#include "fuzz/fuzz_check.h"
#include "tests/standin/http_message.h"
#include "tests/standin/http_parser.h"

namespace {

using jb::fuzz::show;
namespace sd = jb::standin;

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos)
      return false;
  }
  return true;
}

bool framing_header(std::string_view name) {
  return jb::text::iequals(name, "Content-Length") || jb::text::iequals(name, "Transfer-Encoding");
}

sd::HeaderList content_headers(const sd::HttpRequest& r) {
  sd::HeaderList out;
  for (const auto& h : r.headers)
    if (!framing_header(h.first)) out.push_back(h);
  return out;
}

// The request written out with Content-Length framing; bare LF line ends keep it
// within the limits the original met (CRLF where a value ends in CR).
std::string write_out(const sd::HttpRequest& r) {
  std::string out = r.method + " " + r.target + " HTTP/1." + std::to_string(r.version_minor) + "\n";
  bool had_length = false;
  for (const auto& [k, v] : r.headers) {
    if (framing_header(k)) {
      had_length = had_length || jb::text::iequals(k, "Content-Length");
      continue;
    }
    out += k + ":" + v + (!v.empty() && v.back() == '\r' ? "\r\n" : "\n");
  }
  if (had_length || !r.body.empty())
    out += "Content-Length:" + std::to_string(r.body.size()) + "\n";
  return out + "\n" + r.body;
}

std::string request_text(const sd::HttpRequest& r) {
  std::string s = show(r.method) + " " + show(r.target) + " 1." + std::to_string(r.version_minor);
  for (const auto& [k, v] : r.headers) s += " [" + show(k) + ": " + show(v) + "]";
  return s + " body " + show(r.body);
}

void check_request(const sd::HttpRequest& r, const sd::HttpLimits& limits) {
  std::string what = request_text(r);
  FUZZ_CHECK(is_token(r.method), "method of " + what);
  FUZZ_CHECK(!r.path.empty() && r.path[0] == '/', "path of " + what);
  FUZZ_CHECK(r.target.rfind(r.path, 0) == 0, "target does not start with the path: " + what);
  FUZZ_CHECK(r.version_minor == 0 || r.version_minor == 1, "version of " + what);
  FUZZ_CHECK(r.body.size() <= limits.max_body_bytes, "body over the limit: " + what);
  for (const auto& [k, v] : r.headers) {
    FUZZ_CHECK(is_token(k), "header name of " + what);
    FUZZ_CHECK(v.find('\n') == std::string::npos &&
                   (v.empty() ||
                    (v.front() != ' ' && v.front() != '\t' && v.back() != ' ' && v.back() != '\t')),
               "header value " + show(v) + " of " + what);
    if (jb::text::iequals(k, "Content-Length"))
      FUZZ_CHECK(jb::text::trim(v) == std::to_string(r.body.size()) ||
                     std::stoull(std::string(jb::text::trim(v))) == r.body.size(),
                 "Content-Length and body differ: " + what);
  }
  sd::QueryParams q(r.query);
  for (const auto& [k, v] : q.items()) FUZZ_CHECK(!k.empty() && q.has(k), "query key of " + what);
  (void)sd::path_segments(r.path);
  (void)r.keep_alive();
}

// Every strict prefix of a complete request is incomplete and asks for no more than it has.
void check_prefixes(std::string_view buf, size_t consumed, const sd::HttpLimits& limits) {
  std::set<size_t> cuts;
  for (size_t i = 0; i < consumed && cuts.size() < 48; ++i)
    if (buf[i] == '\n' || buf[i] == '\r') cuts.insert({i, i + 1});
  for (size_t k = 1; k <= 8; ++k) cuts.insert(consumed * k / 9);
  cuts.insert(consumed - 1);
  for (size_t cut : cuts) {
    if (cut >= consumed) continue;
    sd::HttpRequest part;
    sd::ParseOutcome o = sd::parse_request(buf.substr(0, cut), limits, part);
    FUZZ_CHECK(o.kind == sd::ParseOutcome::kIncomplete,
               "the first " + std::to_string(cut) + " of " + std::to_string(consumed) +
                   " bytes give " +
                   (o.kind == sd::ParseOutcome::kError
                        ? "error " + std::to_string(o.error_status) + " (" + o.error + ")"
                        : std::string("a request")) +
                   ": " + show(buf.substr(0, consumed)));
    FUZZ_CHECK(o.need <= consumed, "the first " + std::to_string(cut) + " bytes ask for " +
                                       std::to_string(o.need) + " of a " +
                                       std::to_string(consumed) + "-byte request");
  }
}

void run(std::string_view buf, const sd::HttpLimits& limits) {
  for (int n = 0; n < 64; ++n) {
    sd::HttpRequest req;
    sd::ParseOutcome o = sd::parse_request(buf, limits, req);
    if (o.kind == sd::ParseOutcome::kIncomplete) {
      FUZZ_CHECK(o.need == 0 || o.need > buf.size(),
                 "incomplete, yet asks for " + std::to_string(o.need) + " of " +
                     std::to_string(buf.size()) + " bytes it has");
      return;
    }
    if (o.kind == sd::ParseOutcome::kError) {
      int s = o.error_status;
      FUZZ_CHECK(s == 400 || s == 413 || s == 414 || s == 431 || s == 501 || s == 505,
                 "error status " + std::to_string(s));
      return;
    }
    FUZZ_CHECK(o.consumed >= 1 && o.consumed <= buf.size(),
               "consumed " + std::to_string(o.consumed) + " of " + std::to_string(buf.size()));
    check_request(req, limits);
    check_prefixes(buf, o.consumed, limits);
    std::string again = write_out(req);
    sd::HttpRequest back;
    sd::ParseOutcome b = sd::parse_request(again, limits, back);
    FUZZ_CHECK(b.kind == sd::ParseOutcome::kComplete && b.consumed == again.size(),
               "written out, the request does not parse: " + show(again) +
                   (b.kind == sd::ParseOutcome::kError ? " error " + b.error : ""));
    FUZZ_CHECK(back.method == req.method && back.target == req.target && back.path == req.path &&
                   back.query == req.query && back.version_minor == req.version_minor &&
                   back.body == req.body && content_headers(back) == content_headers(req),
               "written out as " + show(again) + ", reads as " + request_text(back) +
                   " instead of " + request_text(req));
    buf.remove_prefix(o.consumed);  // the next pipelined request
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  run(in, sd::HttpLimits{});
  sd::HttpLimits small;
  small.max_request_line = 64;
  small.max_header_bytes = 256;
  small.max_body_bytes = 512;
  run(in, small);
  return 0;
}
