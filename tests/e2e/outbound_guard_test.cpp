// End-to-end tests of the outbound SSRF guard (common/net/outbound_policy.h,
// the CURLOPT_OPENSOCKETFUNCTION check in common/net/http_client.cpp): the
// real auth-service with the production default policy plus one allowed
// loopback address (127.0.0.2, where an allowed stand-in runs), asked by a
// signed-in user to connect to internal targets. Every spelling of loopback,
// the unspecified and link-local addresses, and a redirect to loopback get
// the one generic problem, and a listener on the target that counts accept()s
// proves that not even a TCP connection reached it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "common/core/json.h"
#include "common/jellyfin/errors.h"
#include "common/net/outbound_policy.h"
#include "tests/support/answers.h"
#include "tests/support/eventually.h"
#include "tests/support/services.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

// A TCP listener on `address`, port 0 (the kernel's choice, read back), that
// counts the connections it accepts; with `redirect_to` it answers each
// request with a 302 to that URL. Stops (and joins) in its destructor.
class Recorder {
 public:
  explicit Recorder(const std::string& address, std::string redirect_to = "")
      : redirect_(std::move(redirect_to)) {
    bool v6 = address.find(':') != std::string::npos;
    fd_ = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || pipe2(stop_, O_CLOEXEC) != 0) return;
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (v6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      if (inet_pton(AF_INET6, address.c_str(), &a->sin6_addr) != 1) return;
      len = sizeof(sockaddr_in6);
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      if (inet_pton(AF_INET, address.c_str(), &a->sin_addr) != 1) return;
      len = sizeof(sockaddr_in);
    }
    if (bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(fd_, 16) != 0) return;
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return;
    port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                     : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~Recorder() {
    if (thread_.joinable()) {
      char x = 1;
      EXPECT_EQ(write(stop_[1], &x, 1), 1);
      thread_.join();
    }
    for (int fd : {fd_, stop_[0], stop_[1]})
      if (fd >= 0) close(fd);
  }
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  void run() {
    for (;;) {
      pollfd p[2] = {{fd_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
      if (poll(p, 2, -1) < 0) return;
      if (p[1].revents != 0) return;
      int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      accepted_.fetch_add(1);
      if (!redirect_.empty()) answer_redirect(c);
      close(c);
    }
  }
  void answer_redirect(int c) {
    std::string head;
    char buf[2048];
    while (head.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      head.append(buf, static_cast<size_t>(n));
    }
    std::string answer = "HTTP/1.1 302 Found\r\nLocation: " + redirect_ +
                         "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    ssize_t sent = send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
    (void)sent;  // the peer may have gone; the count is what matters
  }

  std::string redirect_;
  int fd_ = -1;
  int stop_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

std::string password_conn(const std::string& url) {
  json::Writer w;
  w.begin_object()
      .kv("method", "password")
      .kv("server_url", url)
      .kv("username", "demo")
      .kv("password", "demo-password")
      .end_object();
  return w.str();
}

// The production default plus the one loopback address the allowed stand-in uses.
std::string narrow_allow() {
  return std::string(net::kOutboundAllowDefault) + ", 127.0.0.2/32";
}

struct Env {
  Stack stack;
  Standin home;                                        // 127.0.0.1: pinned at its port only
  Standin allowed{{"--demo", "--host", "127.0.0.2"}};  // allowed by JB_OUTBOUND_ALLOW
  HttpClient http;
  std::string token;

  Env() {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    EXPECT_TRUE(allowed.ok());
    EXPECT_TRUE(stack.start_auth({{"JB_JELLYFIN_URL", home.url()},
                                  {"JB_OUTBOUND_ALLOW", narrow_allow()},
                                  {"JB_OUTBOUND_DENY", ""}}));
  }
  Result<HttpResponse> call(const std::string& method, const std::string& base,
                            const std::string& path, const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.url = base + path;
    r.body = body;
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
    return http.send(r);
  }
  bool sign_in() {
    auto r = call("POST", stack.api(""), "/api/v1/auth/login",
                  R"({"username":"demo","password":"demo-password"})");
    if (!r.ok() || r->status != 200) return false;
    token = json::get_string(*json::member(body_of(r), "session"), "token");
    return !token.empty();
  }
  std::string auth_logs() {
    std::string all;
    for (const auto& l : stack.auth->lines()) all += l + "\n";
    return all;
  }
};

}  // namespace

TEST(OutboundGuard, InternalTargetsGetOneGenericProblemAndNoConnection) {
  Env e;
  ASSERT_TRUE(e.sign_in());
  Recorder v4("127.0.0.1");
  Recorder v6("::1");
  ASSERT_TRUE(v4.ok());
  ASSERT_TRUE(v6.ok());
  const std::string p = std::to_string(v4.port());
  // An allowed listener (127.0.0.2) that redirects to the loopback recorder.
  Recorder redirector("127.0.0.2", "http://127.0.0.1:" + p + "/System/Info/Public");
  ASSERT_TRUE(redirector.ok());

  struct Row {
    std::string what, url;
  };
  const std::vector<Row> rows = {
      {"loopback by IP (the home server's host, another port)", "http://127.0.0.1:" + p},
      {"loopback by name", "http://localhost:" + p},
      {"IPv6 loopback", "http://[::1]:" + std::to_string(v6.port())},
      {"IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]:" + p},
      {"IPv4-compatible IPv6 loopback", "http://[::127.0.0.1]:" + p},
      {"decimal IPv4", "http://2130706433:" + p},
      {"octal IPv4", "http://0177.0.0.1:" + p},
      {"the unspecified address (reaches loopback)", "http://0.0.0.0:" + p},
      {"link-local (cloud metadata)", "http://169.254.169.254"},
      {"IPv4-mapped link-local", "http://[::ffff:169.254.169.254]"},
      {"the suite's own Redis", "http://127.0.0.1:" + std::to_string(e.stack.redis.port())},
      {"a redirect to loopback", "http://127.0.0.2:" + std::to_string(redirector.port())},
  };
  std::string generic_detail;
  for (const auto& row : rows) {
    auto r = e.call("POST", e.stack.api(""), "/api/v1/connections", password_conn(row.url));
    ASSERT_TRUE(r.ok()) << row.what;
    EXPECT_EQ(r->status, 422) << row.what << " (" << row.url << "): " << r->body;
    EXPECT_EQ(problem_type(r), "server_url_unusable") << row.what << ": " << r->body;
    std::string detail = json::get_string(body_of(r), "detail");
    if (generic_detail.empty()) generic_detail = detail;
    EXPECT_EQ(detail, generic_detail) << row.what << ": the same words for every target";
    for (const char* leak : {"refused", "timed out", "resolve", "169.254", "127.0.0", "::1",
                             "Couldn't", "Failed to connect"})
      EXPECT_EQ(detail.find(leak), std::string::npos) << row.what << " leaks '" << leak << "'";
    std::fprintf(stderr, "[matrix] %-45s %-40s → %ld %s; loopback recorder accepts: %d, %d\n",
                 row.what.c_str(), row.url.c_str(), r->status, problem_type(r).c_str(),
                 v4.accepted(), v6.accepted());
  }
  EXPECT_EQ(v4.accepted(), 0) << "a refused target saw a TCP connection";
  EXPECT_EQ(v6.accepted(), 0) << "a refused target saw a TCP connection";
  EXPECT_GE(redirector.accepted(), 1) << "the allowed redirector was asked (and not followed)";
  // Internally the precise reason is logged (the guard, not a timeout, refused them).
  std::string logs = e.auth_logs();
  EXPECT_NE(logs.find("outbound connection refused"), std::string::npos);
  EXPECT_NE(logs.find("loopback (127.0.0.0/8)"), std::string::npos);
  EXPECT_NE(logs.find("loopback (::1/128)"), std::string::npos);
  EXPECT_NE(logs.find("always refused: link-local (169.254.0.0/16)"), std::string::npos);
  EXPECT_NE(logs.find("always refused: this network / unspecified (0.0.0.0/8)"), std::string::npos);

  // The allowed stand-in still works: the connection is created and active.
  auto ok = e.call("POST", e.stack.api(""), "/api/v1/connections", password_conn(e.allowed.url()));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 201) << ok->body;
  EXPECT_EQ(json::get_string(body_of(ok), "status"), "active") << ok->body;
  EXPECT_EQ(v4.accepted(), 0);
}

TEST(OutboundGuard, ABackgroundCheckRefusedByThePolicyRecordsTheGenericError) {
  Env e;
  ASSERT_TRUE(e.sign_in());
  auto created =
      e.call("POST", e.stack.api(""), "/api/v1/connections", password_conn(e.allowed.url()));
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 201) << created->body;
  std::string id = json::get_string(body_of(created), "id");
  ASSERT_FALSE(id.empty());
  const int64_t before = e.allowed.total_requests();

  // A second auth-service on the same Redis whose policy no longer allows
  // 127.0.0.2 (as if the stored host name had been re-pointed inward).
  auto env = e.stack.auth_replica_env("second");
  env["JB_JELLYFIN_URL"] = e.home.url();
  env["JB_OUTBOUND_ALLOW"] = net::kOutboundAllowDefault;
  json::Document ready;
  auto second = start_service("auth-service", env, &ready);
  ASSERT_TRUE(second);
  std::string base = "http://127.0.0.1:" + std::to_string(json::get_int(ready, "http_port"));

  auto v = e.call("POST", base, "/api/v1/connections/" + id + "/verify");
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->status, 200) << v->body;
  auto d = body_of(v);
  EXPECT_EQ(json::get_string(d, "status"), "unreachable") << v->body;
  const auto* last = json::member(d, "last_error");
  ASSERT_NE(last, nullptr) << v->body;
  EXPECT_EQ(json::get_string(*last, "code"), "server_url_unusable") << v->body;
  EXPECT_EQ(json::get_string(*last, "message"), jf::kUnusableServer) << v->body;
  EXPECT_EQ(e.allowed.total_requests(), before) << "nothing reached the stand-in";
  bool logged = false;
  for (const auto& l : second->lines())
    logged = logged || (l.find("outbound connection refused") != std::string::npos &&
                        l.find("127.0.0.2") != std::string::npos);
  EXPECT_TRUE(logged);
}
