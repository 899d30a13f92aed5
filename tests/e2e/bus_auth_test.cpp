// End-to-end tests of the authenticated internal bus, against the real
// binaries (tests/support/stack.h): library-service's RPC answers only
// allow-listed CURVE clients, auth-service's events channel hears only
// allow-listed publishers, and an oversized message is dropped without harm.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "common/core/text.h"
#include "common/net/events.h"
#include "common/net/rpc.h"
#include "tests/support/eventually.h"
#include "tests/support/services.h"
#include "tests/support/stack.h"

using namespace jb;
using namespace jb::testing;

namespace {

// The value of one metric line of auth-service (`name{labels}`), 0 when absent.
int64_t metric(Stack& s, const std::string& series) {
  auto r = s.http.get(s.api("/metrics"));
  if (!r.ok()) return -1;
  for (const auto& line : text::split(r->body, '\n', false))
    if (line.rfind(series + " ", 0) == 0) {
      uint64_t v = 0;
      if (text::parse_uint64(line.substr(series.size() + 1), v)) return static_cast<int64_t>(v);
    }
  return 0;
}

bool logged(Process& p, const std::string& a, const std::string& b) {
  for (const auto& l : p.lines())
    if (l.find(a) != std::string::npos && l.find(b) != std::string::npos) return true;
  return false;
}

RpcClientOptions quick(RpcClientOptions o, int timeout_ms = 500) {
  o.timeout_ms = timeout_ms;
  o.attempts = 1;
  return o;
}

}  // namespace

TEST(BusAuth, LibraryRpcAnswersOnlyAllowListedClients) {
  Stack s;
  ASSERT_TRUE(s.redis.ok());
  ASSERT_TRUE(s.start_library());
  zmq::context_t ctx;
  // The allow-listed clients (auth-service's and the workers' keys) are answered.
  RpcClient worker(ctx, quick(s.library_rpc_options(s.keys.worker_client), 5000));
  RpcClient auth(ctx, quick(s.library_rpc_options(s.keys.auth_client), 5000));
  auto pong = worker.call("ping", "{}");
  ASSERT_TRUE(pong.ok()) << pong.error().message;
  ASSERT_TRUE(auth.call("ping", "{}").ok());

  // A client without CURVE, and one with a key that is not on the allowlist,
  // get nothing: not the whitelist, not a change of it, not a rebuild.
  CurveKeyPair stranger_keys = curve_keypair();
  RpcClient plain(ctx, quick(s.library_rpc_options(std::nullopt)));
  RpcClient stranger(ctx, quick(s.library_rpc_options(stranger_keys)));
  std::string conn = "{\"connection_id\":\"" + std::string(32, 'a') + "\"}";
  for (RpcClient* c : {&plain, &stranger}) {
    for (const char* method : {"ping", "whitelist_get", "index_refresh"}) {
      auto r = c->call(method, conn);
      ASSERT_FALSE(r.ok()) << method;
      EXPECT_EQ(r.error().code, errc::rpc_timeout) << method << ": " << r.error().message;
    }
    auto put = c->call("whitelist_put",
                       R"({"connection_id":")" + std::string(32, 'a') + R"(","library_ids":[]})");
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().code, errc::rpc_timeout);
  }
  // The stranger was refused by the ZAP handler (by its public key, never a secret).
  EXPECT_TRUE(eventually(
      [&] { return logged(*s.library, "zap: client refused", stranger_keys.public_z85); }));
  for (const auto& l : s.all_logs()) EXPECT_EQ(l.find(stranger_keys.secret_z85), std::string::npos);
  // Still serving the allowed ones.
  EXPECT_TRUE(worker.call("ping", "{}").ok());
  EXPECT_TRUE(s.library->running());
}

TEST(BusAuth, OversizedRpcMessageIsDroppedAndTheServerAnswersTheNextRequest) {
  Stack s;
  ASSERT_TRUE(s.redis.ok());
  ASSERT_TRUE(s.start_library({{"JB_ZMQ_MAX_MSG_BYTES", "65536"}}));
  zmq::context_t ctx;
  RpcClient bystander(ctx, quick(s.library_rpc_options(s.keys.auth_client), 5000));
  ASSERT_TRUE(bystander.call("ping", "{}").ok());  // connected before the big message
  RpcClient c(ctx, quick(s.library_rpc_options(s.keys.worker_client), 1000));
  // Under the limit: answered.
  ASSERT_TRUE(c.call("ping", std::string(60000, ' ')).ok());
  // Over it: libzmq drops the connection before the frame is read; no answer.
  auto big = c.call("ping", std::string(200000, ' '));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, errc::rpc_timeout);
  // The server is unharmed: the next normal request (same client, new socket)
  // and the other client are answered.
  auto next = c.call("ping", "{}", 5000);
  EXPECT_TRUE(next.ok()) << next.error().message;
  EXPECT_TRUE(bystander.call("ping", "{}").ok());
  EXPECT_TRUE(s.library->running());
}

TEST(BusAuth, OnlyAllowListedPublishersReachTheEventSubscriber) {
  Stack s;
  ASSERT_TRUE(s.redis.ok());
  ASSERT_TRUE(s.start_auth());
  zmq::context_t ctx;
  CurveKeyPair stranger_keys = curve_keypair();
  EventPublisher allowed(ctx, s.events_endpoint, "worker-ok",
                         s.events_options(s.keys.worker_client));
  EventPublisher library(ctx, s.events_endpoint, "library-ok",
                         s.events_options(s.keys.library_client));
  EventPublisher stranger(ctx, s.events_endpoint, "stranger", s.events_options(stranger_keys));
  EventPublisher plain(ctx, s.events_endpoint, "plain", s.events_options(std::nullopt));
  // Outsiders send well-formed events of a known topic ("work.done"), the allowed
  // publishers "index.built": as long as it takes the allowed ones' to arrive,
  // repeatedly, with the outsiders publishing just as often.
  std::string conn = std::string(32, 'c');
  std::string index_built = "{\"connection_id\":\"" + conn + "\",\"items\":1}";
  std::string work_done = R"({"entry":"1700000000000-0","type":"sync.scan"})";
  const std::string heard = "jb_events_received_total{topic=\"index.built\"}";
  const std::string injected = "jb_events_received_total{topic=\"work.done\"}";
  ASSERT_TRUE(eventually([&] {
    stranger.publish("work.done", work_done);
    plain.publish("work.done", work_done);
    allowed.publish("index.built", index_built);
    library.publish("index.built", index_built);
    return metric(s, heard) >= 20 &&
           logged(*s.auth, "zap: client refused", stranger_keys.public_z85);
  }));
  EXPECT_EQ(metric(s, injected), 0) << "an outsider's event reached the subscriber";

  // An allowed publisher's malformed events are dropped and counted, not passed on.
  ASSERT_TRUE(eventually([&] {
    allowed.publish("no.such.topic", index_built);
    allowed.publish("run", R"({"id":"../../etc"})");
    allowed.publish("run", "not json");
    return metric(s, "jb_events_dropped_total{reason=\"unknown_topic\"}") > 0 &&
           metric(s, "jb_events_dropped_total{reason=\"bad_id\"}") > 0 &&
           metric(s, "jb_events_dropped_total{reason=\"bad_json\"}") > 0;
  }));
  EXPECT_EQ(metric(s, "jb_events_received_total{topic=\"run\"}"), 0);
  EXPECT_EQ(metric(s, injected), 0);
  for (const auto& l : s.auth->lines()) EXPECT_EQ(l.find("../../etc"), std::string::npos) << l;
}

TEST(BusAuth, ServicesWithoutTheirBusKeysStopAtStartNamingThem) {
  Stack s;
  ASSERT_TRUE(s.redis.ok());
  struct Case {
    const char* service;
    std::map<std::string, std::string> env;
    const char* variable;
  };
  auto library = s.base_env();
  for (auto& [k, v] : s.library_keys_env()) library[k] = v;
  library.erase("JB_LIBRARY_RPC_SERVER_SECRET_KEY");
  auto auth = s.base_env();
  for (auto& [k, v] : s.auth_keys_env()) auth[k] = v;
  auth.erase("JB_EVENTS_SERVER_SECRET_KEY");
  auto worker = s.base_env();
  for (auto& [k, v] : s.worker_keys_env()) worker[k] = v;
  worker.erase("JB_LIBRARY_RPC_CLIENT_SECRET_KEY");
  auto worker2 = s.base_env();
  for (auto& [k, v] : s.worker_keys_env()) worker2[k] = v;
  worker2.erase("JB_EVENTS_SERVER_PUBLIC_KEY");
  for (const Case& c : {Case{"library-service", library, "JB_LIBRARY_RPC_SERVER_SECRET_KEY"},
                        Case{"auth-service", auth, "JB_EVENTS_SERVER_SECRET_KEY"},
                        Case{"sync-worker", worker, "JB_LIBRARY_RPC_CLIENT_SECRET_KEY"},
                        Case{"sync-worker", worker2, "JB_EVENTS_SERVER_PUBLIC_KEY"}}) {
    Process p({service_binary(c.service)}, c.env, c.service);
    ASSERT_TRUE(p.start());
    auto rc = p.wait(15000);
    ASSERT_TRUE(rc.has_value()) << c.service;
    EXPECT_EQ(*rc, 2) << c.service;
    EXPECT_TRUE(logged(p, std::string("config error: ") + c.variable + " is required", ""))
        << c.service << " did not name " << c.variable;
  }
}
