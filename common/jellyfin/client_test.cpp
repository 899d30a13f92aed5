// Unit tests for client.h (the Jellyfin client): error classification, retries and the header we
// send, against canned answers from a local HTTP server. (Behaviour against a
// faithful Jellyfin is tested with the stand-in in tests/.)
#include "common/jellyfin/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "common/net/http_server.h"

using namespace jb;

namespace {

class Canned : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.access_log = false;
    server = std::make_unique<http::Server>(o, reg);
    server->route("GET", "/html/System/Info/Public", [](http::Request&) {
      return http::Response::text(200, "<html>router login</html>", "text/html");
    });
    server->route("GET", "/jf/System/Info/Public", [](http::Request&) {
      return http::Response::json(
          200,
          R"({"Id":"abc","ServerName":"Home","Version":"10.11.11","ProductName":"Jellyfin Server"})");
    });
    server->route("GET", "/flaky/System/Info/Public", [this](http::Request&) {
      if (++flaky_calls < 3) {
        http::Response r = http::Response::text(503, "starting", "text/html");
        r.headers.emplace_back("Retry-After", "0");
        return r;
      }
      return http::Response::json(200, R"({"Id":"abc","Version":"10.11.11"})");
    });
    server->route("GET", "/starting/System/Info/Public", [](http::Request&) {
      http::Response r = http::Response::text(503, "starting", "text/html");
      r.headers.emplace_back("Retry-After", "60");
      return r;
    });
    server->route("GET", "/auth/Users/Me", [this](http::Request& r) {
      last_auth = r.header("Authorization");
      return http::Response::text(401, "");
    });
    server->route("POST", "/auth/Users/AuthenticateByName",
                  [](http::Request&) { return http::Response::text(401, ""); });
    server->route("POST", "/disabled/Users/AuthenticateByName",
                  [](http::Request&) { return http::Response::text(403, ""); });
    server->route("POST", "/w/UserPlayedItems/{id}", [](http::Request&) {
      return http::Response::text(500, "Error processing request.");
    });
    ASSERT_TRUE(server->start().ok());
    base = "http://127.0.0.1:" + std::to_string(server->port());
  }
  jf::Client client(const std::string& prefix, const std::string& token = "") {
    jf::ClientIdentity id;
    id.device_id = "dev-1";
    jf::Client c(http, base + prefix, id, token);
    jf::RetryPolicy p;
    p.base_ms = 1;
    c.set_retry(p);
    return c;
  }
  metrics::Registry reg;
  std::unique_ptr<http::Server> server;
  std::string base;
  HttpClient http;
  std::atomic<int> flaky_calls{0};
  std::string last_auth;
};

}  // namespace

TEST_F(Canned, PublicInfoOfJellyfin) {
  auto c = client("/jf");
  auto p = c.public_info();
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->server_id, "abc");
  EXPECT_EQ(p->version, "10.11.11");
}

TEST_F(Canned, SomethingElseIsNotJellyfin) {
  auto c1 = client("/html");
  EXPECT_EQ(c1.public_info().error().code, "not_jellyfin");
  auto c2 = client("/nothing-here");
  auto e = c2.public_info().error();
  EXPECT_EQ(e.code, "not_jellyfin");
  EXPECT_NE(e.message.find("not a Jellyfin server"), std::string::npos);
}

TEST_F(Canned, StartingServerIsRetriedThenSucceeds) {
  auto c = client("/flaky");
  auto p = c.public_info();
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(flaky_calls.load(), 3);
  EXPECT_EQ(c.requests(), 3u);
}

TEST_F(Canned, LongRetryAfterIsReportedNotSlept) {
  auto c = client("/starting");
  auto p = c.public_info();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "jellyfin_starting");
  EXPECT_EQ(p.error().retry_after_s, 60);
  EXPECT_EQ(p.error().http_status, 503);
  EXPECT_EQ(c.requests(), 1u);
}

// A gate that records what the client asks of it.
struct RecordingGate : jf::RequestGate {
  int entered = 0, left = 0;
  std::vector<int> pauses;
  void enter() override { ++entered; }
  void leave() override { ++left; }
  void slow_down(int ms) override { pauses.push_back(ms); }
};

TEST_F(Canned, ARetryAfterIsPassedToTheGateSoEveryClientOfTheServerSlowsDown) {
  auto c = client("/starting");
  RecordingGate gate;
  c.set_gate(&gate);
  EXPECT_EQ(c.public_info().error().code, "jellyfin_starting");
  EXPECT_EQ(gate.entered, 1);
  EXPECT_EQ(gate.left, 1);
  EXPECT_EQ(gate.pauses, std::vector<int>{60000});
  // Without Retry-After (a plain 500) nothing is paused.
  auto w = client("/w");
  RecordingGate quiet;
  w.set_gate(&quiet);
  EXPECT_FALSE(w.mark_played("i1", "u1", std::nullopt).ok());
  EXPECT_TRUE(quiet.pauses.empty());
  EXPECT_EQ(quiet.entered, quiet.left);
}

TEST_F(Canned, SigninAndTokenFailuresAreDistinct) {
  auto c = client("/auth", "tok-123");
  EXPECT_EQ(c.me().error().code, "jellyfin_token_rejected");
  EXPECT_EQ(last_auth,
            "MediaBrowser Client=\"Jellybridge\", Version=\"1.0.0\", DeviceId=\"dev-1\", "
            "Device=\"Jellybridge\", Token=\"tok-123\"");
  EXPECT_EQ(c.authenticate_by_name("u", "p").error().code, "jellyfin_bad_credentials");
  auto d = client("/disabled");
  auto e = d.authenticate_by_name("u", "p").error();
  EXPECT_EQ(e.code, "jellyfin_user_disabled");
  EXPECT_EQ(e.http_status, 403);
}

TEST_F(Canned, WritesAreNotRetried) {
  auto c = client("/w");
  auto r = c.mark_played("i1", "u1", std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "jellyfin_server_error");
  EXPECT_EQ(c.requests(), 1u);
}

TEST_F(Canned, TheGuardIsAskedBeforeEveryAttemptAndStopsUnsent) {
  auto c = client("/flaky");
  int asked = 0;
  // Allows the first attempt only: the retry after the first 503 is never sent.
  c.set_guard([&]() -> Status {
    if (++asked == 1) return Status::Ok();
    return Error("lease_lost", "not ours any more");
  });
  auto p = c.public_info();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, "lease_lost") << "returned as it is, not classified";
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(flaky_calls.load(), 1);
  EXPECT_EQ(c.requests(), 1u);
  // A refusing guard: nothing is sent at all.
  auto w = client("/w");
  w.set_guard([] { return Status(Error("interrupted", "stopping")); });
  EXPECT_EQ(w.mark_played("i1", "u1", std::nullopt).error().code, "interrupted");
  EXPECT_EQ(w.requests(), 0u);
}

TEST(Jellyfin, TransportErrorsHaveTheirOwnCodes) {
  EXPECT_EQ(jf::classify_transport(Error("connection_refused", "x"), "http://h").code,
            "jellyfin_connection_refused");
  EXPECT_EQ(jf::classify_transport(Error("timeout", "x"), "http://h").code, "jellyfin_timeout");
  EXPECT_EQ(jf::classify_transport(Error("tls_failure", "x"), "https://h").code, "jellyfin_tls");
  EXPECT_EQ(jf::classify_transport(Error("dns_failure", "x"), "http://h").code, "jellyfin_dns");
}

TEST(Jellyfin, RetryAfterForms) {
  EXPECT_EQ(jf::parse_retry_after("30", 0), 30);
  EXPECT_EQ(jf::parse_retry_after(" 0 ", 0), 0);
  EXPECT_EQ(jf::parse_retry_after("", 0), -1);
  EXPECT_EQ(jf::parse_retry_after("soon", 0), -1);
  EXPECT_EQ(jf::parse_retry_after("-5", 0), -1);
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480
  EXPECT_EQ(jf::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 - 12), 12);
}

TEST(Jellyfin, AuthorizationHeaderEncodesValues) {
  jf::ClientIdentity id;
  id.client = "My App";
  id.device = "Living \"room\"\nTV";
  id.device_id = "d1";
  EXPECT_EQ(jf::authorization_header(id, ""),
            "MediaBrowser Client=\"My%20App\", Version=\"1.0.0\", DeviceId=\"d1\", "
            "Device=\"Living%20%22room%22%20TV\"");
}

// Approving a device's Quick Connect code: each Jellyfin answer (API-NOTES §2)
// has its own code; a 401 is "disabled" only when Jellyfin says so.
TEST(Jellyfin, QuickConnectAuthorizeAnswersAreDistinct) {
  auto classify = [](long status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return jf::classify_status(r, "http://jf", "quickconnect_authorize");
  };
  auto disabled = classify(401, "\"Quick connect is disabled\"");
  EXPECT_EQ(disabled.code, "quickconnect_disabled");
  EXPECT_EQ(disabled.http_status, 409);
  EXPECT_EQ(classify(401, "Quick Connect is disabled").code, "quickconnect_disabled");
  auto token = classify(401, "");
  EXPECT_EQ(token.code, "jellyfin_token_rejected");
  EXPECT_EQ(token.http_status, 401);
  EXPECT_EQ(classify(401, "Error processing request.").code, "jellyfin_token_rejected");
  auto unknown = classify(404, "Error processing request.");
  EXPECT_EQ(unknown.code, "quickconnect_code_unknown");
  EXPECT_EQ(unknown.http_status, 404);
  auto used = classify(500, "Error processing request.");
  EXPECT_EQ(used.code, "quickconnect_code_used");
  EXPECT_EQ(used.http_status, 409);
  EXPECT_EQ(classify(502, "").code, "jellyfin_server_error")
      << "a proxy's 502 is not Jellyfin's 500";
  EXPECT_EQ(classify(403, "").code, "jellyfin_forbidden");
  EXPECT_EQ(classify(400, "").code, "jellyfin_bad_request");
  EXPECT_EQ(classify(503, "").code, "jellyfin_starting");
  // Other contexts keep their meaning.
  HttpResponse r;
  r.status = 401;
  EXPECT_EQ(jf::classify_status(r, "http://jf", "quickconnect").code, "quickconnect_disabled");
  EXPECT_EQ(jf::classify_status(r, "http://jf", "").code, "jellyfin_token_rejected");
  r.status = 404;
  EXPECT_EQ(jf::classify_status(r, "http://jf", "").code, "jellyfin_not_found");
}
