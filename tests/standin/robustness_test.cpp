// robustness_test.cpp — hostile and unusual input never crashes the server:
// malformed request lines and headers, oversized headers and bodies, bad
// JSON, bad GUIDs, random bytes; plus HTTP details (pipelining, keep-alive
// after 204, Expect: 100-continue) and concurrent mixed traffic.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>
#include <thread>

#include "tests/standin/testing/standin_fixture.h"

namespace jb::standin::testing {
namespace {

// Sends raw bytes and reads until the server closes, or `wait_ms` of silence
// once it has answered (`first_ms` for its first bytes: a loaded machine may be slow).
std::string raw_exchange(uint16_t port, const std::string& bytes, int wait_ms = 200,
                         int first_ms = 10000) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "<connect failed>";
  }
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may close early (e.g. 431): read what it said
    sent += static_cast<size_t>(n);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, out.empty() ? first_ms : wait_ms) <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// Reads from `fd` until a response head is complete ("\r\n\r\n"), the peer closes, or 10 s
// pass; a response may arrive in several segments.
std::string read_head(int fd) {
  std::string out;
  char buf[8192];
  while (out.find("\r\n\r\n") == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

int count(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

class RobustnessTest : public StandinTest {
 protected:
  void expect_alive() {
    auto c = client();
    EXPECT_EQ(c.get("/System/Ping").status, 200) << "the server still answers";
  }
};

TEST_F(RobustnessTest, MalformedRequestLines) {
  for (const char* bad :
       {"GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n",
        "\x01\x02\x03 / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\n: empty\r\n\r\n"}) {
    std::string out = raw_exchange(server_->port(), bad);
    EXPECT_TRUE(out.rfind("HTTP/1.1 4", 0) == 0 || out.rfind("HTTP/1.1 505", 0) == 0)
        << bad << " → " << out;
  }
  expect_alive();
}

TEST_F(RobustnessTest, HugeHeadersAnd431) {
  std::string big =
      "GET /System/Ping HTTP/1.1\r\nX-Big: " + std::string(100 * 1024, 'a') + "\r\n\r\n";
  EXPECT_EQ(raw_exchange(server_->port(), big).rfind("HTTP/1.1 431", 0), 0u);
  auto c = client();
  c.check = false;
  c.token = std::string(1 << 20, 'x');  // a 1 MB Authorization header
  auto r = c.get("/Users/Me");
  EXPECT_TRUE(r.status == 431 || !r.transport_error.empty()) << r.status;
  std::string long_url = "GET /Items?x=" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n";
  EXPECT_EQ(raw_exchange(server_->port(), long_url).rfind("HTTP/1.1 414", 0), 0u);
  expect_alive();
}

TEST_F(RobustnessTest, OversizedBody) {
  auto c = client();
  c.check = false;
  auto r = c.post("/Users/AuthenticateByName", std::string(5 * 1024 * 1024, '{'));
  EXPECT_TRUE(r.status == 413 || !r.transport_error.empty()) << r.status;
  expect_alive();
}

TEST_F(RobustnessTest, BadJsonBodies) {
  auto c = client();
  for (const std::string& body :
       {std::string("{"), std::string("[]"), std::string("\"str\""), std::string("null"),
        std::string(R"({"Username": 5, "Pw": "x"})"), std::string(R"({"Username": ["a"]})"),
        std::string(20000, '[') + std::string(20000, ']'), std::string("\xff\xfe\xfd")})
    EXPECT_EQ(c.post("/Users/AuthenticateByName", body).status, 400) << body.substr(0, 40);
  auto adm = admin();
  EXPECT_EQ(adm.post(std::string("/Users/") + small::kAlice + "/Policy", "{").status, 400);
  EXPECT_EQ(adm.post("/Users/New", "[1,2,3]").status, 400);
  expect_alive();
}

TEST_F(RobustnessTest, BadGuidsAndPaths) {
  auto a = alice();
  for (const char* p :
       {"/Items/123", "/Items/%00", "/Items/..%2F..%2Fetc", "/Users/{userId}",
        "/UserItems/%20/UserData", "/Shows/zz/Episodes", "/Items?parentId=%zz", "/Items?ids=%00"}) {
    auto r = a.get(p);
    EXPECT_TRUE(r.status == 400 || r.status == 404 || r.status == 200)
        << p << " → " << r.status << " " << r.transport_error;
    EXPECT_NE(r.status, 500) << p;
  }
  expect_alive();
}

TEST_F(RobustnessTest, RandomBytes) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 150; ++i) {
    std::string junk(1 + rng() % 3000, '\0');
    for (auto& ch : junk) ch = static_cast<char>(rng() % 256);
    if (i % 3 == 0) junk = "GET /Items?" + junk + " HTTP/1.1\r\n\r\n";
    if (i % 3 == 1)
      junk = "POST /Users/AuthenticateByName HTTP/1.1\r\nContent-Length: " +
             std::to_string(junk.size()) + "\r\nAuthorization: MediaBrowser " + junk.substr(0, 50) +
             "\r\n\r\n" + junk;
    raw_exchange(server_->port(), junk, 5, 5);  // any answer or none
  }
  expect_alive();
}

TEST_F(RobustnessTest, PipelinedRequestsAnswerInOrder) {
  std::string two =
      "GET /System/Ping HTTP/1.1\r\nHost: x\r\n\r\nGET /QuickConnect/Enabled HTTP/1.1\r\nHost: "
      "x\r\n\r\n";
  std::string out = raw_exchange(server_->port(), two);
  EXPECT_EQ(count(out, "HTTP/1.1 200 OK"), 2);
  EXPECT_LT(out.find("\"Jellyfin Server\""), out.find("true"));
}

TEST_F(RobustnessTest, KeepAliveAfter204) {
  auto a = alice();
  std::string req =
      "POST /Sessions/Logout HTTP/1.1\r\nHost: x\r\nAuthorization: " + a.authorization() +
      "\r\nContent-Length: 0\r\n\r\nGET /System/Ping HTTP/1.1\r\nHost: x\r\n\r\n";
  std::string out = raw_exchange(server_->port(), req);
  auto first = out.find("HTTP/1.1 204 No Content\r\n");
  ASSERT_NE(first, std::string::npos) << out;
  auto end_of_204 = out.find("\r\n\r\n", first);
  std::string head = out.substr(first, end_of_204 - first);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  EXPECT_EQ(out.find("HTTP/1.1 200 OK"), end_of_204 + 4)
      << "no body after the 204, next answer follows";
}

TEST_F(RobustnessTest, ExpectContinueAndChunkedBodies) {
  std::string body = R"({"Username":"alice","Pw":"alice-password"})";
  auto a = client();
  std::string head =
      "POST /Users/AuthenticateByName HTTP/1.1\r\nHost: x\r\nAuthorization: " + a.authorization() +
      "\r\nContent-Type: application/json\r\n";
  // Headers first; the body only after the interim answer.
  {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    std::string h = head +
                    "Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) +
                    "\r\n\r\n";
    ASSERT_EQ(::send(fd, h.data(), h.size(), MSG_NOSIGNAL), static_cast<ssize_t>(h.size()));
    EXPECT_EQ(read_head(fd), "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_EQ(::send(fd, body.data(), body.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(body.size()));
    std::string answer = read_head(fd);
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK", 0), 0u) << answer;
    ::close(fd);
  }
  std::string out;
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  out = raw_exchange(server_->port(), head + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" +
                                          body + "\r\n0\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK", 0), 0u) << out.substr(0, 200);
}

TEST_F(RobustnessTest, ConnectionCloseIsHonoured) {
  std::string out =
      raw_exchange(server_->port(), "GET /System/Ping HTTP/1.1\r\nConnection: close\r\n\r\n", 3000);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_NE(out.find("\"Jellyfin Server\""), std::string::npos);
  std::string http10 = raw_exchange(server_->port(), "GET /System/Ping HTTP/1.0\r\n\r\n", 3000);
  EXPECT_NE(http10.find("200 OK"), std::string::npos);
}

TEST_F(RobustnessTest, ConcurrentMixedTraffic) {
  auto a = alice();
  const int threads = 8;
  std::vector<std::thread> ts;
  std::atomic<int> failures{0};
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      ApiClient c = client("load-" + std::to_string(t));
      c.check = false;
      if (c.login(t % 2 ? "alice" : "bob", t % 2 ? "alice-password" : "bob-password").empty()) {
        ++failures;
        return;
      }
      for (int i = 0; i < 40; ++i) {
        long s1 = c.get("/Items?recursive=true&limit=5&fields=ProviderIds").status;
        long s2 = c.post(std::string(i % 2 ? "/UserPlayedItems/" : "/UserFavoriteItems/") +
                         small::kMatrix)
                      .status;
        long s3 = c.del(std::string("/UserPlayedItems/") + small::kArrival).status;
        if (s1 != 200 || s2 != 200 || s3 != 200) ++failures;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(failures.load(), 0);
  expect_alive();
}

}  // namespace
}  // namespace jb::standin::testing
