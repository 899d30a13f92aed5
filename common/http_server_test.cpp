// Tests for http_server.h against real sockets, using http_client.h.
#include "common/http_server.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/http_client.h"
#include "common/json.h"

using namespace jb;

namespace {

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
      w.begin_object().kv("id", r.param("id")).kv("q", r.query_param("q").value_or("")).end_object();
      return http::Response::json(200, w.str());
    });
    server->route("POST", "/api/v1/things", [](http::Request& r) {
      auto d = json::parse(r.body);
      if (!d.ok()) return http::Response::error(d.error());
      return http::Response::json(201, r.body);
    });
    server->route("GET", "/throws", [](http::Request&) -> http::Response { throw std::runtime_error("x"); });
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
    ASSERT_TRUE(server->start().ok());
    base = "http://127.0.0.1:" + std::to_string(server->port());
  }
  void TearDown() override { server->stop(); }

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
  EXPECT_NE(m.find("jb_http_requests_total{server=\"http\",route=\"/api/v1/things/{id}\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos) << m;
}

TEST(ServerMatch, Patterns) {
  std::map<std::string, std::string> p;
  EXPECT_TRUE(http::Server::match("/a/{id}/b", "/a/42/b", p));
  EXPECT_EQ(p["id"], "42");
  EXPECT_FALSE(http::Server::match("/a/{id}/b", "/a/42/c", p));
  EXPECT_FALSE(http::Server::match("/a/{id}", "/a/42/b", p));
  EXPECT_TRUE(http::Server::match("/a", "/a/", p));
}
