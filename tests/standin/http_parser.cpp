// http_parser.cpp — see http_parser.h.
#include "tests/standin/http_parser.h"

#include <vector>

#include "common/core/text.h"

namespace jb::standin {

namespace {

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

ParseOutcome error(int status, std::string why) {
  ParseOutcome o;
  o.kind = ParseOutcome::kError;
  o.error_status = status;
  o.error = std::move(why);
  return o;
}

// Finds the end of a line starting at pos; returns npos when incomplete.
// `next` receives the index after the line terminator (CRLF or bare LF).
size_t line_end(std::string_view buf, size_t pos, size_t& next) {
  size_t lf = buf.find('\n', pos);
  if (lf == std::string_view::npos) return std::string_view::npos;
  next = lf + 1;
  return (lf > pos && buf[lf - 1] == '\r') ? lf - 1 : lf;
}

// The length so far of an unterminated line starting at pos, as line_end() will
// count it once its LF arrives: a final CR may be the first half of the CRLF.
// (A limit must give the same answer whichever way the bytes were split.)
size_t partial_line_length(std::string_view buf, size_t pos) {
  size_t n = buf.size() - pos;
  return n > 0 && buf.back() == '\r' ? n - 1 : n;
}

constexpr size_t kMaxChunkLine = 1024;  // a chunk-size line with its extensions

enum class ChunkResult { kIncomplete, kDone, kError };

// Walks the chunk framing without copying (so re-parsing a growing buffer
// costs O(chunks), not O(bytes)); the body is assembled once complete.
// `need` receives the buffer size worth waiting for when incomplete.
ChunkResult parse_chunked(std::string_view buf, size_t pos, size_t max_body, std::string& body,
                          size_t& end, int& status, size_t& need) {
  std::vector<std::pair<size_t, size_t>> pieces;  // (offset, size)
  size_t total = 0;
  need = buf.size() + 1;
  for (;;) {
    size_t next = 0;
    size_t le = line_end(buf, pos, next);
    if (le == std::string_view::npos) {
      if (partial_line_length(buf, pos) > kMaxChunkLine) {
        status = 400;
        return ChunkResult::kError;
      }
      return ChunkResult::kIncomplete;
    }
    if (le - pos > kMaxChunkLine) {
      status = 400;
      return ChunkResult::kError;
    }
    std::string_view line = buf.substr(pos, le - pos);
    size_t semi = line.find(';');
    if (semi != std::string_view::npos) line = line.substr(0, semi);
    line = text::trim(line);
    if (line.empty() || line.size() > 15 || !text::is_hex(line)) {
      status = 400;
      return ChunkResult::kError;
    }
    uint64_t size = std::stoull(std::string(line), nullptr, 16);
    pos = next;
    if (size == 0) {
      // Trailer section: lines until an empty one.
      for (;;) {
        size_t n2 = 0;
        size_t l2 = line_end(buf, pos, n2);
        if (l2 == std::string_view::npos) return ChunkResult::kIncomplete;
        bool empty = l2 == pos;
        pos = n2;
        if (empty) break;
      }
      end = pos;
      body.clear();
      body.reserve(total);
      for (const auto& [off, n] : pieces) body.append(buf.substr(off, n));
      return ChunkResult::kDone;
    }
    if (total + size > max_body) {
      status = 413;
      return ChunkResult::kError;
    }
    if (buf.size() < pos + size + 2) {
      need = pos + size + 2;
      return ChunkResult::kIncomplete;
    }
    pieces.emplace_back(pos, size);
    total += size;
    pos += size;
    if (buf[pos] == '\r' && buf[pos + 1] == '\n')
      pos += 2;
    else if (buf[pos] == '\n')
      pos += 1;
    else {
      status = 400;
      return ChunkResult::kError;
    }
  }
}

}  // namespace

ParseOutcome parse_request(std::string_view buf, const HttpLimits& limits, HttpRequest& out) {
  // Tolerate empty lines before a request (RFC 9112 §2.2).
  size_t pos = 0;
  while (pos < buf.size() && (buf[pos] == '\r' || buf[pos] == '\n')) ++pos;

  size_t next = 0;
  size_t le = line_end(buf, pos, next);
  if (le == std::string_view::npos) {
    if (partial_line_length(buf, pos) > limits.max_request_line)
      return error(414, "request line too long");
    return {};
  }
  if (le - pos > limits.max_request_line) return error(414, "request line too long");
  std::string_view line = buf.substr(pos, le - pos);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0 || sp2 == sp1 + 1)
    return error(400, "malformed request line");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  for (char c : method)
    if (!is_tchar(c)) return error(400, "invalid method");
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return error(400, "invalid request target");
  if (version == "HTTP/1.1")
    out.version_minor = 1;
  else if (version == "HTTP/1.0")
    out.version_minor = 0;
  else if (text::istarts_with(version, "HTTP/"))
    return error(505, "unsupported HTTP version");
  else
    return error(400, "malformed request line");

  // Request-target: origin-form, or absolute-form (proxies).
  if (target.front() != '/') {
    size_t scheme = target.find("://");
    if (scheme == std::string_view::npos) return error(400, "unsupported request target");
    size_t slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  out.method = std::string(method);
  out.target = std::string(target);
  split_target(target, out.path, out.query);

  // Headers.
  out.headers.clear();
  pos = next;
  size_t header_start = pos;
  for (;;) {
    le = line_end(buf, pos, next);
    if (le == std::string_view::npos) {
      if (buf.size() - header_start > limits.max_header_bytes)
        return error(431, "header section too large");
      return {};
    }
    if (next - header_start > limits.max_header_bytes)
      return error(431, "header section too large");
    if (le == pos) {  // empty line: end of headers
      pos = next;
      break;
    }
    std::string_view h = buf.substr(pos, le - pos);
    if (h.front() == ' ' || h.front() == '\t') return error(400, "obsolete line folding");
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) return error(400, "malformed header");
    std::string_view name = h.substr(0, colon);
    for (char c : name)
      if (!is_tchar(c)) return error(400, "invalid header name");
    std::string_view value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    out.headers.emplace_back(std::string(name), std::string(value));
    pos = next;
  }

  // Body framing.
  std::optional<uint64_t> content_length;
  bool chunked = false;
  for (const auto& [k, v] : out.headers) {
    if (text::iequals(k, "Content-Length")) {
      uint64_t n = 0;
      if (!text::parse_uint64(text::trim(v), n)) return error(400, "invalid Content-Length");
      if (content_length && *content_length != n) return error(400, "conflicting Content-Length");
      content_length = n;
    } else if (text::iequals(k, "Transfer-Encoding")) {
      auto t = text::trim(v);
      if (text::iequals(t, "chunked"))
        chunked = true;
      else if (!t.empty())
        return error(501, "unsupported Transfer-Encoding");
    }
  }
  if (chunked && content_length) return error(400, "both Content-Length and chunked");
  out.body.clear();
  if (chunked) {
    size_t end = 0, need = 0;
    int status = 0;
    switch (parse_chunked(buf, pos, limits.max_body_bytes, out.body, end, status, need)) {
      case ChunkResult::kIncomplete: {
        ParseOutcome o;
        o.need = need;
        auto e = out.header("Expect");
        o.expect_continue = pos == buf.size() && e && text::iequals(text::trim(*e), "100-continue");
        return o;
      }
      case ChunkResult::kError:
        return error(status, "bad chunked body");
      case ChunkResult::kDone:
        break;
    }
    ParseOutcome o;
    o.kind = ParseOutcome::kComplete;
    o.consumed = end;
    return o;
  }
  auto expects_continue = [&] {
    auto e = out.header("Expect");
    return e && text::iequals(text::trim(*e), "100-continue");
  };
  uint64_t n = content_length.value_or(0);
  if (n > limits.max_body_bytes) return error(413, "body too large");
  if (buf.size() - pos < n) {
    ParseOutcome o;
    o.need = pos + n;
    o.expect_continue = pos == buf.size() && expects_continue();
    return o;
  }
  out.body = std::string(buf.substr(pos, n));
  ParseOutcome o;
  o.kind = ParseOutcome::kComplete;
  o.consumed = pos + n;
  return o;
}

}  // namespace jb::standin
