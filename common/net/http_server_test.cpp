// Tests for http_server.h against real sockets, using http_client.h.
#include "common/net/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "common/core/json.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/http_client.h"

using namespace jb;

namespace {

// A raw HTTP client on a loopback socket that reads a response as it arrives,
// so a test can see a streamed body piece by piece.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) close();
  }
  ~RawClient() { close(); }
  bool send(const std::string& raw) {
    return fd_ >= 0 &&
           ::send(fd_, raw.data(), raw.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(raw.size());
  }
  // Reads until pred(everything received) holds, the peer closes, or the deadline.
  bool read_until(const std::function<bool(const std::string&)>& pred, int timeout_ms = 10000) {
    int64_t end = timeutil::monotonic_ms() + timeout_ms;
    while (!pred(data)) {
      if (fd_ < 0 || eof) return false;
      int64_t left = end - timeutil::monotonic_ms();
      if (left <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0)
        eof = true;
      else
        data.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  bool has(const std::string& s, int timeout_ms = 10000) {
    return read_until([&](const std::string& d) { return d.find(s) != std::string::npos; },
                      timeout_ms);
  }
  // Reads until the server closes the connection.
  bool closed_by_server(int timeout_ms = 10000) {
    read_until([](const std::string&) { return false; }, timeout_ms);
    return eof;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::string head() const { return data.substr(0, data.find("\r\n\r\n") + 2); }
  std::string body() const {
    size_t p = data.find("\r\n\r\n");
    return p == std::string::npos ? "" : data.substr(p + 4);
  }

  std::string data;
  bool eof = false;

 private:
  int fd_ = -1;
};

// Decodes a chunked body; `complete` tells whether the last chunk arrived.
std::string dechunk(const std::string& body, bool* complete = nullptr) {
  std::string out;
  size_t p = 0;
  if (complete) *complete = false;
  for (;;) {
    size_t eol = body.find("\r\n", p);
    if (eol == std::string::npos) return out;
    size_t n = std::stoul(body.substr(p, eol - p), nullptr, 16);
    if (n == 0) {
      if (complete) *complete = body.compare(eol, 4, "\r\n\r\n") == 0;
      return out;
    }
    if (body.size() < eol + 2 + n + 2) return out;
    out += body.substr(eol + 2, n);
    p = eol + 2 + n + 2;
  }
}

// Waits (up to a deadline) for a condition another thread makes true.
class Flag {
 public:
  void set() {
    std::lock_guard<std::mutex> l(mu_);
    on_ = true;
    cv_.notify_all();
  }
  bool wait(int timeout_ms = 10000) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, std::chrono::milliseconds(timeout_ms), [&] { return on_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool on_ = false;
};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.max_body_bytes = 1000;
    o.max_request_bytes = 64 * 1024;
    o.access_log = false;
    server = std::make_unique<http::Server>(o, registry);
    server->route("GET", "/api/v1/things/{id}", [](http::Request& r) {
      json::Writer w;
      w.begin_object()
          .kv("id", r.param("id"))
          .kv("q", r.query_param("q").value_or(""))
          .end_object();
      return http::Response::json(200, w.str());
    });
    server->route("POST", "/api/v1/things", [](http::Request& r) {
      auto d = json::parse(r.body);
      if (!d.ok()) return http::Response::error(d.error());
      return http::Response::json(201, r.body);
    });
    server->route("GET", "/throws",
                  [](http::Request&) -> http::Response { throw std::runtime_error("x"); });
    server->route("GET", "/cookie", [](http::Request& r) {
      http::Response resp = http::Response::json(200, "{\"seen\":\"" + r.cookies["a"] + "\"}");
      http::Cookie c;
      c.name = "sid";
      c.value = "v1";
      c.max_age = 60;
      resp.cookies.push_back(c);
      return resp;
    });
    server->route_async("GET", "/async", [](http::Request&, http::Responder resp) {
      std::thread([r = std::move(resp)]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        r.send(http::Response::json(200, "{\"async\":true}"));
      }).detach();
    });
    server->route_async("GET", "/dropped", [](http::Request&, http::Responder) {});
    // A stream, kept for the test thread to write to.
    server->route_stream("GET", "/stream", [this](http::Request&, http::Responder resp) {
      http::Response head = http::Response::text(200, "hello\n", "text/event-stream");
      head.headers.emplace_back("X-Extra", "1");
      auto s = resp.stream(head);
      std::lock_guard<std::mutex> l(mu);
      stream_error = s.ok() ? "" : s.error().code;
      if (s.ok()) stream = *s;
      stream_started.set();
    });
    // A stream route may still answer plainly.
    server->route_stream("GET", "/stream-refused", [](http::Request&, http::Responder resp) {
      resp.send(http::Response::problem(make_problem(429, "too_many", "Slow down.")));
    });
    // Only stream routes can stream; the Responder still answers.
    server->route_deferred("GET", "/not-a-stream", [](http::Request&, http::Responder resp) {
      auto s = resp.stream(http::Response::text(200, "x"));
      resp.send(s.ok() ? http::Response::json(200, "{}") : http::Response::error(s.error()));
    });
    ASSERT_TRUE(server->start().ok());
    base = "http://127.0.0.1:" + std::to_string(server->port());
  }
  void TearDown() override { server->stop(); }

  // Opens /stream on a raw connection and waits for the handler's stream.
  std::shared_ptr<http::EventStream> open_stream(RawClient& c,
                                                 const std::string& version = "HTTP/1.1") {
    EXPECT_TRUE(c.send("GET /stream " + version + "\r\nHost: t\r\n\r\n"));
    EXPECT_TRUE(stream_started.wait());
    std::lock_guard<std::mutex> l(mu);
    EXPECT_EQ(stream_error, "");
    return stream;
  }

  std::mutex mu;
  std::shared_ptr<http::EventStream> stream;
  std::string stream_error;
  Flag stream_started;
  metrics::Registry registry;
  std::unique_ptr<http::Server> server;
  std::string base;
  HttpClient client;
};

}  // namespace

TEST_F(ServerTest, RoutesWithParamsAndDecodedQuery) {
  auto r = client.get(base + "/api/v1/things/a%20b?q=x%2By+z");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  auto d = json::parse(r->body);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(json::get_string(*d, "id"), "a b");
  EXPECT_EQ(json::get_string(*d, "q"), "x+y z");
  EXPECT_EQ(r->header("Content-Type"), "application/json");
  EXPECT_FALSE(r->header("X-Request-Id").empty());
}

TEST_F(ServerTest, EchoesASaneRequestIdOnly) {
  auto r = client.get(base + "/api/v1/things/1", {{"X-Request-Id", "abc-123"}});
  EXPECT_EQ(r->header("X-Request-Id"), "abc-123");
  auto r2 = client.get(base + "/api/v1/things/1", {{"X-Request-Id", "bad id<script>"}});
  EXPECT_NE(r2->header("X-Request-Id"), "bad id<script>");
  EXPECT_EQ(r2->header("X-Request-Id").rfind("r-", 0), 0u);
}

TEST_F(ServerTest, UnknownPathIs404Problem) {
  auto r = client.get(base + "/nope");
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
  auto d = json::parse(r->body);
  EXPECT_EQ(json::get_string(*d, "type"), "urn:jellybridge:problem:not_found");
  EXPECT_EQ(json::get_int(*d, "status"), 404);
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  HttpRequest q;
  q.method = "DELETE";
  q.url = base + "/api/v1/things";
  auto r = client.send(q);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("Allow"), "POST");
}

TEST_F(ServerTest, BodyOverLimitIs413Problem) {
  auto r = client.post_json(base + "/api/v1/things", "{\"a\":\"" + std::string(2000, 'x') + "\"}");
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("body_too_large"), std::string::npos);
}

TEST_F(ServerTest, HugeRequestIsRefusedWithoutCrashing) {
  auto r = client.post_json(base + "/api/v1/things", std::string(200 * 1024, 'x'));
  // Over Pistache's buffer: Pistache itself answers 413 (or closes).
  if (r.ok()) {
    EXPECT_EQ(r->status, 413);
  }
  // Pistache does not close a connection it answered 413 to mid-body; a new
  // connection must work.
  HttpClient fresh;
  auto again = fresh.get(base + "/api/v1/things/1");
  EXPECT_EQ(again->status, 200);
}

TEST_F(ServerTest, MalformedJsonIs400Problem) {
  auto r = client.post_json(base + "/api/v1/things", "{\"a\":");
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("invalid_json"), std::string::npos);
}

TEST_F(ServerTest, HandlerExceptionIs500ProblemAndServerSurvives) {
  auto r = client.get(base + "/throws");
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(client.get(base + "/api/v1/things/1")->status, 200);
}

TEST_F(ServerTest, AsyncResponseFromAnotherThread) {
  auto r = client.get(base + "/async");
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"async\":true}");
}

TEST_F(ServerTest, DroppedResponderStillAnswers500) {
  auto r = client.get(base + "/dropped");
  EXPECT_EQ(r->status, 500);
}

TEST_F(ServerTest, CookiesInAndOut) {
  auto r = client.get(base + "/cookie", {{"Cookie", "a=hello"}});
  EXPECT_EQ(r->body, "{\"seen\":\"hello\"}");
  std::string sc = r->header("Set-Cookie");
  EXPECT_NE(sc.find("sid=v1"), std::string::npos) << sc;
  EXPECT_NE(sc.find("HttpOnly"), std::string::npos) << sc;
  EXPECT_NE(sc.find("SameSite=Strict"), std::string::npos) << sc;
}

TEST_F(ServerTest, MetricsCountRequests) {
  ASSERT_TRUE(client.get(base + "/api/v1/things/1").ok());
  std::string m = registry.render();
  EXPECT_NE(m.find("jb_http_requests_total{server=\"http\",route=\"/api/v1/things/"
                   "{id}\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << m;
}

TEST_F(ServerTest, StreamSendsEachWriteAsAChunkAtOnce) {
  RawClient c(server->port());
  auto s = open_stream(c);
  ASSERT_TRUE(s);
  ASSERT_TRUE(c.read_until([](const std::string& d) {
    return dechunk(d.substr(std::min(d.size(), d.find("\r\n\r\n") + 4))) == "hello\n";
  })) << c.data;
  std::string head = c.head();
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Request-Id: "), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-store\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Extra: 1\r\n"), std::string::npos) << head;
  // Counted when it starts.
  EXPECT_NE(registry.render().find("jb_http_requests_total{server=\"http\",route=\"/"
                                   "stream\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_EQ(server->open_streams(), 1u);
  // Written from this thread (neither a reactor nor a pool thread), one by one.
  ASSERT_TRUE(s->write("data: 1\n\n"));
  ASSERT_TRUE(c.read_until([](const std::string& d) {
    return dechunk(d.substr(d.find("\r\n\r\n") + 4)) == "hello\ndata: 1\n\n";
  })) << c.data;
  EXPECT_TRUE(s->write(""));  // nothing, and not the end of the body
  ASSERT_TRUE(s->write("data: 2\n\n"));
  ASSERT_TRUE(c.has("data: 2"));
  EXPECT_TRUE(s->alive());
  s->close();
  ASSERT_TRUE(c.closed_by_server()) << "the end of the stream closes the connection";
  bool complete = false;
  EXPECT_EQ(dechunk(c.body(), &complete), "hello\ndata: 1\n\ndata: 2\n\n");
  EXPECT_TRUE(complete) << "the body ends with the last chunk";
  EXPECT_FALSE(s->write("late"));
  EXPECT_EQ(server->open_streams(), 0u);
}

TEST_F(ServerTest, StreamNoticesThatThePeerLeft) {
  RawClient c(server->port());
  auto s = open_stream(c);
  ASSERT_TRUE(s);
  ASSERT_TRUE(c.has("hello"));
  Flag closed;
  s->on_close([&] { closed.set(); });
  c.close();
  // Pistache's reactor sees the disconnection; no write is needed.
  EXPECT_TRUE(closed.wait());
  EXPECT_FALSE(s->alive());
  EXPECT_FALSE(s->write("data: x\n\n"));
  EXPECT_EQ(server->open_streams(), 0u);
  // A callback set after the end runs at once.
  Flag again;
  s->on_close([&] { again.set(); });
  EXPECT_TRUE(again.wait(0));
}

TEST_F(ServerTest, StoppingTheServerEndsOpenStreams) {
  RawClient c(server->port());
  auto s = open_stream(c);
  ASSERT_TRUE(s);
  ASSERT_TRUE(c.has("hello"));
  server->stop();
  ASSERT_TRUE(c.closed_by_server());
  bool complete = false;
  EXPECT_EQ(dechunk(c.body(), &complete), "hello\n");
  EXPECT_TRUE(complete);
  EXPECT_FALSE(s->alive());
}

TEST_F(ServerTest, AnHttp10StreamIsPlainBytesUntilClose) {
  RawClient c(server->port());
  auto s = open_stream(c, "HTTP/1.0");
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->write("more\n"));
  ASSERT_TRUE(c.has("hello\nmore\n"));
  EXPECT_EQ(c.head().find("Transfer-Encoding"), std::string::npos) << c.head();
  s.reset();
  {
    std::lock_guard<std::mutex> l(mu);
    stream.reset();  // the last handle: dropping it closes the stream
  }
  ASSERT_TRUE(c.closed_by_server());
  EXPECT_EQ(c.body(), "hello\nmore\n");
}

TEST_F(ServerTest, AStreamRouteMayAnswerPlainlyAndKeepsTheConnection) {
  auto r = client.get(base + "/stream-refused");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->header("Content-Type"), "application/problem+json");
  // The same (kept-alive) connection goes on working.
  EXPECT_EQ(client.get(base + "/api/v1/things/1")->status, 200);
  EXPECT_EQ(client.get(base + "/stream-refused")->status, 429);
  EXPECT_EQ(server->open_streams(), 0u);
}

TEST_F(ServerTest, OnlyStreamRoutesStream) {
  auto r = client.get(base + "/not-a-stream");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("stream_unavailable"), std::string::npos) << r->body;
}

TEST(ServerMatch, Patterns) {
  std::map<std::string, std::string> p;
  EXPECT_TRUE(http::Server::match("/a/{id}/b", "/a/42/b", p));
  EXPECT_EQ(p["id"], "42");
  EXPECT_FALSE(http::Server::match("/a/{id}/b", "/a/42/c", p));
  EXPECT_FALSE(http::Server::match("/a/{id}", "/a/42/b", p));
  EXPECT_TRUE(http::Server::match("/a", "/a/", p));
  // A last "{name*}" segment takes the rest of the path, one segment or more.
  EXPECT_TRUE(http::Server::match("/f/{p*}", "/f/js/pages/x.js", p));
  EXPECT_EQ(p["p"], "js/pages/x.js");
  EXPECT_TRUE(http::Server::match("/f/{p*}", "/f/a%20b", p));
  EXPECT_EQ(p["p"], "a b");
  EXPECT_FALSE(http::Server::match("/f/{p*}", "/f", p));
  EXPECT_FALSE(http::Server::match("/f/{p*}", "/g/x", p));
}

// Default headers go on every answer, errors included; a response's own header of
// the same name replaces the default; HSTS only over TLS.
TEST(ServerDefaultHeaders, EveryAnswerCarriesThemUnlessTheResponseSetsItsOwn) {
  metrics::Registry registry;
  http::ServerOptions o;
  o.port = 0;
  o.access_log = false;
  o.default_headers = {{"Content-Security-Policy", "default-src 'none'"},
                       {"X-Frame-Options", "DENY"}};
  o.hsts = "max-age=60";
  o.trusted_proxies = *net::CidrSet::parse("127.0.0.1/32");
  http::Server server(o, registry);
  server.route("GET", "/plain", [](http::Request&) { return http::Response::json(200, "{}"); });
  server.route("GET", "/own", [](http::Request&) {
    http::Response r = http::Response::text(200, "page");
    r.headers.emplace_back("Content-Security-Policy", "default-src 'self'");
    r.headers.emplace_back("Cache-Control", "public, max-age=60");
    return r;
  });
  ASSERT_TRUE(server.start().ok());
  HttpClient c;
  auto url = [&server](const std::string& p) {
    return "http://127.0.0.1:" + std::to_string(server.port()) + p;
  };
  auto count = [](const HttpResponse& r, const std::string& name) {
    int n = 0;
    for (const auto& [k, v] : r.headers) n += text::iequals(k, name) ? 1 : 0;
    return n;
  };
  for (const char* path : {"/plain", "/nowhere"}) {
    auto r = c.get(url(path));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->header("Content-Security-Policy"), "default-src 'none'") << path;
    EXPECT_EQ(r->header("X-Frame-Options"), "DENY") << path;
    EXPECT_EQ(r->header("Cache-Control"), "no-store") << path;
    EXPECT_EQ(count(*r, "Strict-Transport-Security"), 0) << "plain HTTP gets no HSTS";
  }
  auto own = c.get(url("/own"));
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->header("Content-Security-Policy"), "default-src 'self'");
  EXPECT_EQ(count(*own, "Content-Security-Policy"), 1);
  EXPECT_EQ(own->header("Cache-Control"), "public, max-age=60");
  EXPECT_EQ(count(*own, "Cache-Control"), 1);
  EXPECT_EQ(own->header("X-Frame-Options"), "DENY");
  auto tls = c.get(url("/plain"), {{"X-Forwarded-Proto", "https"}});
  ASSERT_TRUE(tls.ok());
  EXPECT_EQ(tls->header("Strict-Transport-Security"), "max-age=60");
  server.stop();
}

// The client address handlers see: the TCP peer, unless the peer is a trusted
// proxy; only then do X-Forwarded-For and X-Forwarded-Proto count.
TEST(ServerClientAddress, ForwardedHeadersCountOnlyFromATrustedProxy) {
  auto answer_client = [](http::Request& r) {
    json::Writer w;
    w.begin_object().kv("client", r.client_ip).kv("https", r.https).end_object();
    return http::Response::json(200, w.str());
  };
  metrics::Registry registry;
  auto ask = [](uint16_t port, std::vector<std::pair<std::string, std::string>> headers) {
    HttpClient c;
    auto r = c.get("http://127.0.0.1:" + std::to_string(port) + "/who", std::move(headers));
    EXPECT_TRUE(r.ok());
    auto d = json::parse(r.ok() ? r->body : "{}");
    return std::make_pair(json::get_string(*d, "client"), json::get_bool(*d, "https", false));
  };
  const std::vector<std::pair<std::string, std::string>> forwarded = {
      {"X-Forwarded-For", "6.6.6.6, 198.51.100.1"}, {"X-Forwarded-Proto", "https"}};

  http::ServerOptions direct;
  direct.port = 0;
  direct.access_log = false;
  http::Server plain(direct, registry);
  plain.route("GET", "/who", answer_client);
  ASSERT_TRUE(plain.start().ok());
  EXPECT_EQ(ask(plain.port(), forwarded), std::make_pair(std::string("127.0.0.1"), false))
      << "without a trusted proxy the headers are the client's own words";
  plain.stop();

  http::ServerOptions proxied = direct;
  proxied.trusted_proxies = *net::CidrSet::parse("127.0.0.1/32");
  http::Server behind(proxied, registry);
  behind.route("GET", "/who", answer_client);
  ASSERT_TRUE(behind.start().ok());
  EXPECT_EQ(ask(behind.port(), forwarded), std::make_pair(std::string("198.51.100.1"), true));
  EXPECT_EQ(ask(behind.port(), {}), std::make_pair(std::string("127.0.0.1"), false));
  behind.stop();
}
