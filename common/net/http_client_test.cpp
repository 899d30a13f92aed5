// Tests for http_client.h: transport errors are classified, limits hold.
#include "common/net/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "tests/support/refusing_port.h"

using namespace jb;

namespace {

// A one-shot raw TCP server: accepts connections and runs `behaviour` on each.
class RawServer {
 public:
  explicit RawServer(std::function<void(int fd)> behaviour) : behaviour_(std::move(behaviour)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 16);
    thread_ = std::thread([this] {
      for (;;) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0 || stop_) {
          if (c >= 0) close(c);
          return;
        }
        behaviour_(c);
        close(c);
      }
    });
  }
  ~RawServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

 private:
  std::function<void(int)> behaviour_;
  int fd_;
  int port_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

void read_request(int fd) {
  char buf[4096];
  (void)!read(fd, buf, sizeof buf);
}

void write_all(int fd, const std::string& s) {
  (void)!write(fd, s.data(), s.size());
}

}  // namespace

TEST(HttpClient, ReadsStatusHeadersAndBody) {
  RawServer s([](int fd) {
    read_request(fd);
    write_all(
        fd, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nbusy");
  });
  HttpClient c;
  auto r = c.get(s.url());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("retry-after"), "7");
  EXPECT_EQ(r->body, "busy");
}

TEST(HttpClient, ConnectionRefused) {
  HttpClient c;
  jb::testing::RefusingPort refusing;
  auto r = c.get("http://127.0.0.1:" + std::to_string(refusing.port()) + "/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "connection_refused");
}

TEST(HttpClient, TimeoutIsClassified) {
  RawServer s([](int fd) {
    read_request(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
  });
  HttpClientOptions o;
  o.timeout_ms = 200;
  HttpClient c(o);
  auto r = c.get(s.url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "timeout");
}

TEST(HttpClient, DroppedConnectionIsATransportError) {
  RawServer s([](int fd) { read_request(fd); });  // closes without answering
  HttpClient c;
  auto r = c.get(s.url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "http_transport");
}

TEST(HttpClient, ResponseOverLimitIsRefused) {
  RawServer s([](int fd) {
    read_request(fd);
    std::string body(5000, 'x');
    write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + body);
  });
  HttpClientOptions o;
  o.max_response_bytes = 1000;
  HttpClient c(o);
  auto r = c.get(s.url());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "response_too_large");
}

TEST(HttpClient, TlsFailureIsClassified) {
  // A plain-HTTP server spoken to with https:// fails the TLS handshake.
  RawServer s([](int fd) {
    read_request(fd);
    write_all(fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
  });
  HttpClient c;
  std::string url = s.url();
  url.replace(0, 4, "https");
  auto r = c.get(url);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "tls_failure") << r.error().message;
}

TEST(HttpClient, InvalidUrl) {
  HttpClient c;
  auto r = c.get("ftp://example.invalid/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_url");
}

TEST(HttpClient, SendsKeepAliveAndReusesTheConnection) {
  std::atomic<int> accepted{0};
  RawServer s([&](int fd) {
    accepted++;
    for (int i = 0; i < 2; ++i) {
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) return;
      std::string req(buf, static_cast<size_t>(n));
      bool ka = req.find("Connection: keep-alive") != std::string::npos;
      write_all(fd, std::string("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n") + (ka ? "k" : "c"));
    }
  });
  HttpClient c;
  auto a = c.get(s.url());
  auto b = c.get(s.url());
  EXPECT_EQ(a->body, "k");
  EXPECT_EQ(b->body, "k");
  EXPECT_EQ(accepted.load(), 1);
}

// The check before sending runs with the connection already open (the server
// has accepted it), and a refusal writes nothing on it and comes back as it is.
TEST(HttpClient, TheCheckBeforeSendingRunsOnTheOpenConnectionAndARefusalWritesNothing) {
  std::atomic<int> accepted{0};
  std::atomic<size_t> received{0};
  {
    RawServer s([&](int fd) {
      accepted++;
      char buf[4096];
      ssize_t n = 0;
      while ((n = read(fd, buf, sizeof buf)) > 0) received += static_cast<size_t>(n);
    });
    HttpClient c;
    HttpRequest r;
    r.method = "POST";
    r.url = s.url("/UserFavoriteItems/1");
    r.body = "{}";
    int asked = 0;
    int accepted_when_asked = -1;
    r.before_send = [&]() -> Status {
      ++asked;
      // Waits (bounded) for the server's accept: were the check made before
      // connecting, the connection would never be accepted while it waits.
      for (int i = 0; i < 5000 && accepted.load() == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      accepted_when_asked = accepted.load();
      return Error("lease_lost", "not ours any more");
    };
    auto res = c.send(r);
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, "lease_lost");
    EXPECT_EQ(asked, 1);
    EXPECT_EQ(accepted_when_asked, 1);
  }  // the client closes its connection, then the server's thread ends
  EXPECT_EQ(received.load(), 0u) << "nothing of the refused request reached the server";

  // An accepting check: the request goes out as usual.
  RawServer ok([](int fd) {
    read_request(fd);
    write_all(fd, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
  });
  HttpClient c;
  HttpRequest r;
  r.url = ok.url();
  int asked = 0;
  r.before_send = [&]() -> Status {
    ++asked;
    return Status::Ok();
  };
  auto res = c.send(r);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(asked, 1);
}
