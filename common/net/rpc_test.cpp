// Tests for rpc.h and zap.h over real ZeroMQ TCP sockets on loopback.
#include "common/net/rpc.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <zmq_addon.hpp>

#include "common/core/json.h"
#include "common/core/time.h"
#include "common/net/zap.h"
#include "tests/support/eventually.h"

using namespace jb;

namespace {

RpcServerOptions server_opts(int threads = 2) {
  RpcServerOptions o;
  o.bind = "tcp://127.0.0.1:*";
  o.threads = threads;
  o.name = "test-service";
  return o;
}

RpcClientOptions client_opts(const std::string& ep, int timeout_ms = 1000, int attempts = 2) {
  RpcClientOptions o;
  o.endpoint = ep;
  o.timeout_ms = timeout_ms;
  o.attempts = attempts;
  o.peer_name = "test-service";
  return o;
}

Result<std::string> echo(const std::string& method, const std::string& payload) {
  if (method == "echo") return payload;
  if (method == "fail") {
    Error e("not_found", "No such thing.", 404);
    e.retry_after_s = 5;
    return e;
  }
  if (method == "throw") throw std::runtime_error("boom");
  return Error("unknown_method", "Unknown method " + method + ".", 400);
}

}  // namespace

TEST(Rpc, RoundTripAndBinaryPayload) {
  zmq::context_t ctx;
  RpcServer s(ctx, server_opts(), echo);
  ASSERT_TRUE(s.start().ok());
  RpcClient c(ctx, client_opts(s.endpoint()));
  std::string bin("a\0b\xff", 4);
  auto r = c.call("echo", bin);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, bin);
  s.stop();
}

TEST(Rpc, HandlerErrorsArriveAsValues) {
  zmq::context_t ctx;
  RpcServer s(ctx, server_opts(), echo);
  ASSERT_TRUE(s.start().ok());
  RpcClient c(ctx, client_opts(s.endpoint()));
  auto r = c.call("fail", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "not_found");
  EXPECT_EQ(r.error().http_status, 404);
  EXPECT_EQ(r.error().retry_after_s, 5);
  auto t = c.call("throw", "");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "internal");
  EXPECT_TRUE(c.call("echo", "still alive").ok());
  s.stop();
}

TEST(Rpc, NoServerTimesOutWithAClearError) {
  zmq::context_t ctx;
  RpcClient c(ctx, client_opts("tcp://127.0.0.1:1", 100, 3));
  int64_t t0 = timeutil::monotonic_ms();
  auto r = c.call("echo", "x");
  int64_t took = timeutil::monotonic_ms() - t0;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "rpc_timeout");
  EXPECT_NE(r.error().message.find("test-service did not answer 'echo'"), std::string::npos);
  EXPECT_NE(r.error().message.find("3 attempts"), std::string::npos);
  EXPECT_GE(took, 250);
  EXPECT_LT(took, 2000);
}

TEST(Rpc, ServerRestartIsRecoveredByRetries) {
  zmq::context_t ctx;
  auto s = std::make_unique<RpcServer>(ctx, server_opts(), echo);
  ASSERT_TRUE(s->start().ok());
  std::string ep = s->endpoint();
  RpcClient c(ctx, client_opts(ep, 300, 10));
  ASSERT_TRUE(c.call("echo", "1").ok());
  s->stop();
  s.reset();
  std::thread restarter([&] {
    // Down for a while: the client's first attempts go unanswered. (A fault's
    // duration, not synchronisation: the outcome is the same for any length
    // within the client's 10 × 300 ms of retries.)
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    RpcServerOptions o = server_opts();
    o.bind = ep;
    s = std::make_unique<RpcServer>(ctx, o, echo);
    ASSERT_TRUE(s->start().ok());
  });
  auto r = c.call("echo", "2");
  restarter.join();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "2");
  s->stop();
}

TEST(Rpc, LateRepliesToEarlierAttemptsAreNotConfused) {
  zmq::context_t ctx;
  std::atomic<int> calls{0};
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  RpcServer s(ctx, server_opts(4),
              [&calls, released](const std::string&, const std::string& p) -> Result<std::string> {
                int n = ++calls;
                if (n == 1) released.wait();  // the first attempt answers only after the retry
                return p + "#" + std::to_string(n);
              });
  ASSERT_TRUE(s.start().ok());
  RpcClient c(ctx, client_opts(s.endpoint(), 1000, 3));
  auto r = c.call("m", "a");
  release.set_value();  // now the first attempt's late answer goes out
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "a#2");
  // The next call must get its own answer, never the late "a#1".
  auto r2 = c.call("m", "b");
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->substr(0, 2), "b#");
  s.stop();
}

TEST(Rpc, MalformedRequestsGetAnErrorAndTheServerSurvives) {
  zmq::context_t ctx;
  RpcServer s(ctx, server_opts(), echo);
  ASSERT_TRUE(s.start().ok());
  zmq::socket_t raw(ctx, zmq::socket_type::dealer);
  raw.set(zmq::sockopt::linger, 0);
  raw.connect(s.endpoint());
  std::vector<zmq::const_buffer> bad = {zmq::str_buffer(""), zmq::str_buffer("XX"),
                                        zmq::str_buffer("id1")};
  zmq::send_multipart(raw, bad);
  zmq::pollitem_t it[] = {{raw.handle(), 0, ZMQ_POLLIN, 0}};
  zmq::poll(it, 1, std::chrono::milliseconds(2000));
  ASSERT_TRUE(it[0].revents & ZMQ_POLLIN);
  std::vector<zmq::message_t> parts;
  ASSERT_TRUE(zmq::recv_multipart(raw, std::back_inserter(parts)));
  ASSERT_EQ(parts.size(), 5u);
  EXPECT_EQ(parts[3].to_string(), "err");
  EXPECT_NE(parts[4].to_string().find("rpc_protocol"), std::string::npos);
  RpcClient c(ctx, client_opts(s.endpoint()));
  EXPECT_TRUE(c.call("echo", "ok").ok());
  s.stop();
}

TEST(Rpc, ManyThreadsEachWithItsOwnClient) {
  zmq::context_t ctx;
  RpcServer s(ctx, server_opts(4), echo);
  ASSERT_TRUE(s.start().ok());
  std::atomic<int> ok{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      RpcClient c(ctx, client_opts(s.endpoint()));
      for (int i = 0; i < 200; ++i) {
        std::string p = std::to_string(t) + ":" + std::to_string(i);
        auto r = c.call("echo", p);
        if (r.ok() && *r == p) ok++;
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(ok.load(), 800);
  EXPECT_EQ(s.served(), 800u);
  s.stop();
}

TEST(Rpc, FullQueueAnswersOverloaded) {
  zmq::context_t ctx;
  RpcServerOptions o = server_opts(1);
  o.max_queue = 1;
  // The one worker blocks until the test has seen the refusals. The first request
  // is sent alone and the others only once the worker holds it: then, whatever
  // order the other four arrive in, one waits in the queue and three are refused.
  std::promise<void> release, entered;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> first{true};
  RpcServer s(ctx, o, [&, released](const std::string&, const std::string&) -> Result<std::string> {
    if (first.exchange(false)) entered.set_value();
    released.wait();
    return std::string("done");
  });
  ASSERT_TRUE(s.start().ok());
  std::atomic<int> overloaded{0}, done{0};
  auto call = [&] {
    RpcClient c(ctx, client_opts(s.endpoint(), 30000, 1));
    auto r = c.call("slow", "");
    if (r.ok())
      done++;
    else if (r.error().code == "overloaded")
      overloaded++;
  };
  std::vector<std::thread> ts;
  ts.emplace_back(call);
  entered.get_future().wait();
  for (int t = 0; t < 4; ++t) ts.emplace_back(call);
  EXPECT_TRUE(jb::testing::eventually([&] { return overloaded.load() == 3; }));
  release.set_value();
  for (auto& t : ts) t.join();
  EXPECT_EQ(overloaded.load(), 3);
  EXPECT_EQ(done.load(), 2);
  s.stop();
}

TEST(Rpc, StopFinishesInFlightRequests) {
  zmq::context_t ctx;
  std::promise<void> started;
  RpcServer s(ctx, server_opts(1),
              [&started](const std::string&, const std::string&) -> Result<std::string> {
                started.set_value();
                std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the work itself
                return std::string("finished");
              });
  ASSERT_TRUE(s.start().ok());
  Result<std::string> r = Error("x", "x");
  std::thread caller([&] {
    RpcClient c(ctx, client_opts(s.endpoint(), 5000, 1));
    r = c.call("slow", "");
  });
  started.get_future().wait();  // in flight when the server is told to stop
  s.stop(5000);
  caller.join();
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, "finished");
}

TEST(RpcCurve, AllowedKeyGetsAnswersOthersGetNothing) {
  zmq::context_t ctx;
  CurveKeyPair server = curve_keypair();
  CurveKeyPair good = curve_keypair();
  CurveKeyPair bad = curve_keypair();
  EXPECT_EQ(curve_public_from_secret(good.secret_z85), good.public_z85);
  EXPECT_EQ(curve_public_from_secret("short"), "");
  ZapAuthenticator zap(ctx, {good.public_z85});
  ASSERT_TRUE(zap.start().ok());
  RpcServerOptions so = server_opts();
  so.curve = server;
  RpcServer s(ctx, so, echo);
  ASSERT_TRUE(s.start().ok());

  RpcClientOptions go = client_opts(s.endpoint(), 1000, 1);
  go.curve = good;
  go.server_public_z85 = server.public_z85;
  RpcClient gc(ctx, go);
  auto ok = gc.call("echo", "secret stuff");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(*ok, "secret stuff");

  RpcClientOptions bo = client_opts(s.endpoint(), 300, 1);
  bo.curve = bad;
  bo.server_public_z85 = server.public_z85;
  RpcClient bc(ctx, bo);
  auto denied = bc.call("echo", "x");
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code, "rpc_timeout");
  EXPECT_GE(zap.denied(), 1u);

  RpcClient plain(ctx, client_opts(s.endpoint(), 300, 1));  // no CURVE at all
  EXPECT_FALSE(plain.call("echo", "x").ok());
  s.stop();
  zap.stop();
}

TEST(RpcCurve, ZapAllowlistsArePerDomain) {
  zmq::context_t ctx;
  CurveKeyPair server_a = curve_keypair(), server_b = curve_keypair();
  CurveKeyPair client_a = curve_keypair(), client_b = curve_keypair();
  ZapAuthenticator zap(ctx, {client_a.public_z85});  // the default domain
  zap.set_allowed("other", {client_b.public_z85});
  ASSERT_TRUE(zap.start().ok());
  RpcServerOptions ao = server_opts();
  ao.curve = server_a;
  RpcServer a(ctx, ao, echo);
  RpcServerOptions bo = server_opts();
  bo.curve = server_b;
  bo.zap_domain = "other";
  RpcServer b(ctx, bo, echo);
  ASSERT_TRUE(a.start().ok() && b.start().ok());
  auto client = [&](const RpcServer& s, const CurveKeyPair& server, const CurveKeyPair& me,
                    int timeout_ms) {
    RpcClientOptions o = client_opts(s.endpoint(), timeout_ms, 1);
    o.curve = me;
    o.server_public_z85 = server.public_z85;
    return o;
  };
  RpcClient aa(ctx, client(a, server_a, client_a, 2000)),
      bb(ctx, client(b, server_b, client_b, 2000));
  EXPECT_TRUE(aa.call("echo", "x").ok());
  EXPECT_TRUE(bb.call("echo", "x").ok());
  // Each key is allowed in its own domain only.
  RpcClient ab(ctx, client(b, server_b, client_a, 300)),
      ba(ctx, client(a, server_a, client_b, 300));
  EXPECT_EQ(ab.call("echo", "x").error().code, "rpc_timeout");
  EXPECT_EQ(ba.call("echo", "x").error().code, "rpc_timeout");
  a.stop();
  b.stop();
  zap.stop();
}

TEST(Rpc, OversizedRequestIsDroppedAndTheServerKeepsServing) {
  zmq::context_t ctx;
  RpcServerOptions so = server_opts();
  so.max_msg_bytes = 64 * 1024;
  RpcServer s(ctx, so, echo);
  ASSERT_TRUE(s.start().ok());
  RpcClient other(ctx, client_opts(s.endpoint(), 2000, 1));
  ASSERT_TRUE(other.call("echo", "before").ok());
  RpcClient c(ctx, client_opts(s.endpoint(), 500, 1));
  std::string under(60 * 1024, 'u');
  auto ok = c.call("echo", under);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, under);
  // One frame over the limit: libzmq drops that connection, nothing is handled.
  uint64_t served = s.served();
  auto big = c.call("echo", std::string(256 * 1024, 'o'));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, "rpc_timeout");
  EXPECT_EQ(s.served(), served);
  // The next normal request (a fresh socket after the timeout), and everyone else's.
  auto next = c.call("echo", "after", 2000);
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(*next, "after");
  EXPECT_TRUE(other.call("echo", "still here").ok());
  s.stop();
}
