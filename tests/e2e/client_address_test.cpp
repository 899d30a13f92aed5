// End-to-end tests of who the client is (common/net/client_address.h) as the
// real auth-service sees it: X-Forwarded-For and X-Forwarded-Proto count only
// from a trusted proxy (JB_TRUSTED_PROXIES), the remote-access rule of the
// user's Jellyfin policy is applied to that address (JB_LAN_CIDRS), session
// cookies are Secure behind an https proxy, and access log lines name the client.
#include <gtest/gtest.h>

#include "common/core/json.h"
#include "tests/support/eventually.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

using Vars = std::map<std::string, std::string>;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Env {
  Stack stack;
  Standin home;
  HttpClient http;
  explicit Env(Vars extra) {
    EXPECT_TRUE(stack.redis.ok());
    EXPECT_TRUE(home.ok());
    EXPECT_TRUE(home.create_user("homebody", "homebody-pw", {{"EnableRemoteAccess", false}}).ok());
    extra["JB_JELLYFIN_URL"] = home.url();
    EXPECT_TRUE(stack.start_auth(extra));
  }
  Result<HttpResponse> login(const std::string& user, const std::string& pw, Headers headers) {
    json::Writer w;
    w.begin_object().kv("username", user).kv("password", pw).end_object();
    headers.emplace_back("Content-Type", "application/json");
    return http.post_json(stack.api("/api/v1/auth/login"), w.str(), headers);
  }
  std::string problem(const Result<HttpResponse>& r) {
    auto d = json::parse(r.ok() ? r->body : "{}");
    return d.ok() ? json::get_string(*d, "type") : "";
  }
  // Access log lines are written once the answer is out: wait for the line.
  bool logged_client(const std::string& ip, int timeout_ms = 20000) {
    return eventually(
        [&] {
          for (const auto& line : stack.all_logs())
            if (line.find("\"route\":\"/api/v1/auth/login\"") != std::string::npos &&
                line.find("\"client\":\"" + ip + "\"") != std::string::npos)
              return true;
          return false;
        },
        timeout_ms);
  }
};

const char* kDenied = "urn:jellybridge:problem:remote_access_denied";

}  // namespace

TEST(ClientAddress, BehindATrustedProxyTheForwardedClientMeetsTheRemoteAccessRule) {
  Env e(Vars{{"JB_TRUSTED_PROXIES", "127.0.0.1/32"}});
  ASSERT_TRUE(e.home.reset_counters().ok());

  // From the internet (through the proxy): refused, and Jellyfin's fresh token is signed out.
  auto remote = e.login("homebody", "homebody-pw", {{"X-Forwarded-For", "198.51.100.7"}});
  ASSERT_TRUE(remote.ok());
  EXPECT_EQ(remote->status, 403) << remote->body;
  EXPECT_EQ(e.problem(remote), kDenied);
  EXPECT_EQ(remote->header("Set-Cookie"), "") << "no session";
  EXPECT_EQ(e.home.requests("POST /Sessions/Logout"), 1) << "the issued token is signed out";
  EXPECT_TRUE(e.logged_client("198.51.100.7")) << "the access log names the forwarded client";

  // A spoofed LAN address left of the real client changes nothing.
  auto spoofed =
      e.login("homebody", "homebody-pw", {{"X-Forwarded-For", "192.168.1.20, 198.51.100.7"}});
  ASSERT_TRUE(spoofed.ok());
  EXPECT_EQ(spoofed->status, 403);

  // From the LAN through the proxy, and from the proxy's own address: allowed.
  auto lan = e.login("homebody", "homebody-pw", {{"X-Forwarded-For", "192.168.1.20"}});
  ASSERT_TRUE(lan.ok());
  EXPECT_EQ(lan->status, 200) << lan->body;
  auto direct = e.login("homebody", "homebody-pw", {});
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(direct->status, 200) << direct->body;

  // A user with remote access signs in from anywhere; https at the proxy makes the cookie Secure.
  auto demo = e.login("demo", "demo-password",
                      {{"X-Forwarded-For", "203.0.113.50"}, {"X-Forwarded-Proto", "https"}});
  ASSERT_TRUE(demo.ok());
  EXPECT_EQ(demo->status, 200) << demo->body;
  EXPECT_NE(demo->header("Set-Cookie").find("; Secure"), std::string::npos)
      << demo->header("Set-Cookie");
  auto plain = e.login("demo", "demo-password", {{"X-Forwarded-For", "203.0.113.50"}});
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->header("Set-Cookie").find("Secure"), std::string::npos);
}

TEST(ClientAddress, WithoutATrustedProxyForwardedHeadersAreIgnored) {
  Env e(Vars{});
  // The peer (127.0.0.1, in the LAN) is the client whatever the headers claim.
  auto r = e.login("homebody", "homebody-pw",
                   {{"X-Forwarded-For", "198.51.100.7"}, {"X-Forwarded-Proto", "https"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->header("Set-Cookie").find("Secure"), std::string::npos)
      << "a client cannot claim https";
  EXPECT_TRUE(e.logged_client("127.0.0.1"));  // the line of this very request is out now
  EXPECT_FALSE(e.logged_client("198.51.100.7", 0));

  // With an empty LAN, the same user is refused: the rule really looks at the address.
  Env strict(Vars{{"JB_LAN_CIDRS", "10.99.0.0/16"}});
  auto far = strict.login("homebody", "homebody-pw", {});
  ASSERT_TRUE(far.ok());
  EXPECT_EQ(far->status, 403) << far->body;
  EXPECT_EQ(strict.problem(far), kDenied);
}
