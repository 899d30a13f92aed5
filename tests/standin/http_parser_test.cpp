// http_parser_test.cpp — the request parser, query parsing and response
// serialisation of the stand-in's HTTP layer.
#include "tests/standin/http_parser.h"

#include <gtest/gtest.h>

#include "tests/standin/http_message.h"

namespace jb::standin {
namespace {

ParseOutcome parse(std::string_view raw, HttpRequest& req, HttpLimits limits = {}) {
  return parse_request(raw, limits, req);
}

TEST(HttpParser, SimpleGetWithRepeatedQueryKeys) {
  HttpRequest r;
  std::string raw =
      "GET /Items?Fields=A&fields=B&x=a%20b+c HTTP/1.1\r\nHost: h\r\nAuthorization: X\r\n\r\n";
  auto o = parse(raw, r);
  ASSERT_EQ(o.kind, ParseOutcome::kComplete);
  EXPECT_EQ(o.consumed, raw.size());
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/Items");
  EXPECT_EQ(r.query, "Fields=A&fields=B&x=a%20b+c");
  QueryParams q(r.query);
  EXPECT_EQ(q.all("FIELDS"), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(q.get("x").value(), "a b c");
  EXPECT_EQ(r.header("authorization").value(), "X");
  EXPECT_TRUE(r.keep_alive());
}

TEST(HttpParser, IncompleteUntilBodyArrives) {
  HttpRequest r;
  std::string head = "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\n";
  EXPECT_EQ(parse(head, r).kind, ParseOutcome::kIncomplete);
  EXPECT_EQ(parse(head + "12", r).kind, ParseOutcome::kIncomplete);
  auto o = parse(head + "12345GET", r);
  ASSERT_EQ(o.kind, ParseOutcome::kComplete);
  EXPECT_EQ(r.body, "12345");
  EXPECT_EQ(o.consumed, head.size() + 5) << "pipelined bytes stay in the buffer";
}

TEST(HttpParser, ExpectContinueReported) {
  HttpRequest r;
  auto o = parse("POST /a HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", r);
  EXPECT_EQ(o.kind, ParseOutcome::kIncomplete);
  EXPECT_TRUE(o.expect_continue);
}

TEST(HttpParser, ChunkedBody) {
  HttpRequest r;
  std::string raw =
      "POST /a HTTP/1.1\r\nTransfer-Encoding: "
      "chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\n\r\n";
  auto o = parse(raw, r);
  ASSERT_EQ(o.kind, ParseOutcome::kComplete);
  EXPECT_EQ(r.body, "Wikipedia");
  EXPECT_EQ(o.consumed, raw.size());
  EXPECT_EQ(parse(raw.substr(0, raw.size() - 3), r).kind, ParseOutcome::kIncomplete);
}

TEST(HttpParser, Http10ClosesUnlessKeepAlive) {
  HttpRequest r;
  ASSERT_EQ(parse("GET / HTTP/1.0\r\n\r\n", r).kind, ParseOutcome::kComplete);
  EXPECT_FALSE(r.keep_alive());
  ASSERT_EQ(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", r).kind,
            ParseOutcome::kComplete);
  EXPECT_TRUE(r.keep_alive());
  ASSERT_EQ(parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", r).kind, ParseOutcome::kComplete);
  EXPECT_FALSE(r.keep_alive());
}

TEST(HttpParser, AbsoluteFormTarget) {
  HttpRequest r;
  ASSERT_EQ(parse("GET http://host:8096/System/Ping?a=1 HTTP/1.1\r\n\r\n", r).kind,
            ParseOutcome::kComplete);
  EXPECT_EQ(r.path, "/System/Ping");
  EXPECT_EQ(r.query, "a=1");
}

TEST(HttpParser, Errors) {
  HttpRequest r;
  EXPECT_EQ(parse("GARBAGE\r\n\r\n", r).error_status, 400);
  EXPECT_EQ(parse("GET / HTTP/2.0\r\n\r\n", r).error_status, 505);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nBad Header\r\n\r\n", r).error_status, 400);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n", r).error_status, 400);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", r).error_status, 400);
  EXPECT_EQ(
      parse("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", r).error_status,
      400);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", r).error_status, 501);
  EXPECT_EQ(parse("POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", r).error_status, 413);
  EXPECT_EQ(parse("G<T / HTTP/1.1\r\n\r\n", r).error_status, 400);
}

TEST(HttpParser, Limits) {
  HttpRequest r;
  HttpLimits l;
  std::string long_line = "GET /" + std::string(l.max_request_line + 10, 'a');
  EXPECT_EQ(parse(long_line, r).error_status, 414) << "even before the line ends";
  std::string big_header =
      "GET / HTTP/1.1\r\nX: " + std::string(l.max_header_bytes, 'a') + "\r\n\r\n";
  EXPECT_EQ(parse(big_header, r).error_status, 431);
  std::string endless = "GET / HTTP/1.1\r\nX: " + std::string(l.max_header_bytes + 5, 'a');
  EXPECT_EQ(parse(endless, r).error_status, 431) << "unterminated header section";
}

TEST(QueryParams, DecodingAndMissingValues) {
  QueryParams q("a=1&flag&b=&=x&c=%E2%9C%93&d=%zz");
  EXPECT_TRUE(q.has("flag"));
  EXPECT_EQ(q.get("flag").value(), "");
  EXPECT_EQ(q.get("B").value(), "");
  EXPECT_EQ(q.get("c").value(), "✓");
  EXPECT_EQ(q.get("d").value(), "%zz");
  EXPECT_FALSE(q.get("missing"));
}

TEST(PathSegments, DecodesEachSegment) {
  auto s = path_segments("/Users/a%20b//Items/");
  EXPECT_EQ(s, (std::vector<std::string>{"Users", "a b", "Items"}));
}

TEST(Serialize, NoContentLengthOn204) {
  HttpResponse r;
  r.status = 204;
  r.body = "ignored";
  std::string out = serialize_response(r, false, false);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
}

TEST(Serialize, HeadersAndBody) {
  HttpResponse r;
  r.status = 503;
  r.content_type = "text/html";
  r.body = "loading";
  r.headers.emplace_back("Retry-After", "5");
  std::string out = serialize_response(r, true, false);
  EXPECT_EQ(out.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(out.find("Content-Length: 7\r\n"), std::string::npos);
  EXPECT_NE(out.find("Retry-After: 5\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 7), "loading");
}

}  // namespace
}  // namespace jb::standin

namespace jb::standin {
namespace {

TEST(HttpParser, NeedHintsWhenToParseAgain) {
  HttpRequest r;
  std::string head = "POST /a HTTP/1.1\r\nContent-Length: 100\r\n\r\n";
  auto o = parse_request(head + "abc", HttpLimits{}, r);
  EXPECT_EQ(o.kind, ParseOutcome::kIncomplete);
  EXPECT_EQ(o.need, head.size() + 100);
  std::string chunked = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc";
  o = parse_request(chunked, HttpLimits{}, r);
  EXPECT_EQ(o.kind, ParseOutcome::kIncomplete);
  EXPECT_EQ(o.need, chunked.size() - 3 + 16 + 2);
}

// Found by fuzz/standin_http_request_fuzz.cpp: a request line of exactly the limit,
// ending in CRLF, was accepted whole but answered 414 when the bytes arrived split
// between its CR and LF; a chunk-size line over 1024 bytes was refused only while its
// LF had not arrived. Every strict prefix of a request must be incomplete.
TEST(HttpParser, LimitsDoNotDependOnHowTheBytesArrive) {
  HttpLimits l;
  l.max_request_line = 64;
  std::string line = "GET /" + std::string(64 - 14, 'a') + " HTTP/1.1";
  ASSERT_EQ(line.size(), 64u);
  std::string raw = line + "\r\n\r\n";
  for (size_t cut = 0; cut < raw.size(); ++cut) {
    HttpRequest r;
    EXPECT_EQ(parse(raw.substr(0, cut), r, l).kind, ParseOutcome::kIncomplete) << cut;
  }
  HttpRequest r;
  EXPECT_EQ(parse(raw, r, l).kind, ParseOutcome::kComplete);
  EXPECT_EQ(parse(line + "a\r", r, l).error_status, 414) << "65 bytes before the CR";

  std::string head = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string long_ext = "3;" + std::string(1100, 'e') + "\r\nabc\r\n0\r\n\r\n";
  EXPECT_EQ(parse(head + long_ext, r).error_status, 400) << "whole";
  EXPECT_EQ(parse(head + long_ext.substr(0, 1050), r).error_status, 400) << "split";
  std::string ext_at_limit = "3;" + std::string(1022, 'e') + "\r\nabc\r\n0\r\n\r\n";
  EXPECT_EQ(parse(head + ext_at_limit, r).kind, ParseOutcome::kComplete);
  EXPECT_EQ(parse(head + ext_at_limit.substr(0, 1025), r).kind, ParseOutcome::kIncomplete)
      << "the CR of a chunk line at its limit";
}

TEST(HttpParser, ManySmallChunksStayCheap) {
  std::string raw = "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20000; ++i) raw += "1\r\nx\r\n";
  raw += "0\r\n\r\n";
  HttpRequest r;
  auto o = parse_request(raw, HttpLimits{}, r);
  ASSERT_EQ(o.kind, ParseOutcome::kComplete);
  EXPECT_EQ(r.body.size(), 20000u);
}

}  // namespace
}  // namespace jb::standin
