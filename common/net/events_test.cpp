// Tests for events.h over real ZeroMQ PUB/SUB sockets.
#include "common/net/events.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <zmq_addon.hpp>

#include "common/core/time.h"
#include "common/net/zap.h"
#include "tests/support/eventually.h"

using namespace jb;

namespace {
struct Collected {
  std::mutex mu;
  std::vector<Event> events;
  void add(const Event& e) {
    std::lock_guard<std::mutex> l(mu);
    events.push_back(e);
  }
  size_t size() {
    std::lock_guard<std::mutex> l(mu);
    return events.size();
  }
};

using jb::testing::eventually;

// A fresh folder for ipc:// endpoints, removed with what is in it.
struct IpcDir {
  std::string path;
  IpcDir() {
    char tmpl[] = "/tmp/jb-events-XXXXXX";
    path = mkdtemp(tmpl) ? tmpl : "/tmp";
  }
  ~IpcDir() { std::filesystem::remove_all(path); }
  std::string endpoint(const std::string& name) const { return "ipc://" + path + "/" + name; }
};

// Publishes probes on `topic` until one arrives: the link and the
// subscription are then up (PUB/SUB drops what is sent before that).
bool link_up(EventPublisher& pub, Collected& got, const std::string& topic = "probe") {
  return eventually([&] {
    pub.publish(topic, "{}");
    return got.size() > 0;
  });
}

size_t count_topic(Collected& got, const std::string& topic) {
  std::lock_guard<std::mutex> l(got.mu);
  size_t n = 0;
  for (const auto& e : got.events) n += e.topic == topic;
  return n;
}
}  // namespace

TEST(Events, SequencedDeliveryAndTopicFilter) {
  zmq::context_t ctx;
  Collected got;
  EventSubscriber sub(ctx, "tcp://127.0.0.1:*", {"run."}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  EventPublisher pub(ctx, sub.endpoint(), "worker-1");
  // Slow joiner: publish a probe until the subscription is live.
  ASSERT_TRUE(link_up(pub, got, "run.probe"));
  uint64_t seq_before = pub.last_seq();
  pub.publish("other.topic", "ignored");
  pub.publish("run.progress", "{\"n\":1}");
  pub.publish("run.done", "{\"n\":2}");
  ASSERT_TRUE(eventually([&] { return count_topic(got, "run.done") == 1; }));
  std::lock_guard<std::mutex> l(got.mu);
  // Probes still in flight may arrive before them; the order of ours is kept.
  ASSERT_GE(got.events.size(), 2u);
  const Event& a = got.events[got.events.size() - 2];
  const Event& b = got.events.back();
  EXPECT_EQ(a.topic, "run.progress");
  EXPECT_EQ(a.publisher, "worker-1");
  EXPECT_EQ(a.seq, seq_before + 2);  // other.topic consumed seq_before+1 but was filtered
  EXPECT_TRUE(a.gap);                // the subscriber saw a jump: it must resync from Redis
  EXPECT_EQ(b.seq, a.seq + 1);
  EXPECT_FALSE(b.gap);
  EXPECT_EQ(b.payload, "{\"n\":2}");
  sub.stop();
}

TEST(Events, MalformedFramesAreIgnored) {
  zmq::context_t ctx;
  Collected got;
  EventSubscriber sub(ctx, "tcp://127.0.0.1:*", {}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  zmq::socket_t raw(ctx, zmq::socket_type::pub);
  raw.set(zmq::sockopt::linger, 0);
  raw.connect(sub.endpoint());
  ASSERT_TRUE(eventually([&] {
    std::vector<zmq::const_buffer> bad = {zmq::str_buffer("t"), zmq::str_buffer("p")};
    zmq::send_multipart(raw, bad);
    std::vector<zmq::const_buffer> badseq = {zmq::str_buffer("t"), zmq::str_buffer("p"),
                                             zmq::str_buffer("notanumber"), zmq::str_buffer("x")};
    zmq::send_multipart(raw, badseq);
    std::vector<zmq::const_buffer> good = {zmq::str_buffer("t"), zmq::str_buffer("p"),
                                           zmq::str_buffer("1"), zmq::str_buffer("x")};
    zmq::send_multipart(raw, good);
    return got.size() > 0;
  }));
  std::lock_guard<std::mutex> l(got.mu);
  for (const auto& e : got.events) EXPECT_EQ(e.payload, "x");
  sub.stop();
}

// The publisher connects before anybody listens (its first connection
// attempts fail), then the subscriber binds: ZeroMQ reconnects and events
// flow. An ipc:// endpoint in a fresh folder: known in advance, no port guessing.
TEST(Events, PublisherStartedBeforeTheSubscriberStillDelivers) {
  zmq::context_t ctx;
  IpcDir dir;
  std::string ep = dir.endpoint("events");
  EventPublisher pub(ctx, ep, "early");
  pub.publish("t", "lost");  // nobody listens yet: dropped, never an error
  Collected got;
  EventSubscriber sub(ctx, ep, {}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  EXPECT_TRUE(link_up(pub, got, "t"));
  sub.stop();
}

TEST(Events, ASingleEventAfterTheLinkIsUpArrives) {
  zmq::context_t ctx;
  Collected got;
  EventSubscriber sub(ctx, "tcp://127.0.0.1:*", {}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  EventPublisher pub(ctx, sub.endpoint(), "single");
  ASSERT_TRUE(link_up(pub, got));
  std::thread other([&] { pub.publish("index.built", "{}"); });  // from another thread, once
  other.join();
  EXPECT_TRUE(eventually([&] { return count_topic(got, "index.built") == 1; }));
  sub.stop();
}

TEST(Events, EarlyPublisherSingleEventAfterTheSubscriberBinds) {
  IpcDir dir;
  std::string ep = dir.endpoint("events");
  zmq::context_t pub_ctx, sub_ctx;
  EventPublisher pub(pub_ctx, ep, "early");
  Collected got;
  EventSubscriber sub(sub_ctx, ep, {}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  ASSERT_TRUE(link_up(pub, got));
  std::thread other([&] { pub.publish("library.whitelist", "{}"); });  // once, from another thread
  other.join();
  EXPECT_TRUE(eventually([&] { return count_topic(got, "library.whitelist") == 1; }));
  sub.stop();
}

TEST(Events, PublishIsSafeFromManyThreads) {
  zmq::context_t ctx;
  Collected got;
  EventSubscriber sub(ctx, "tcp://127.0.0.1:*", {}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  EventPublisher pub(ctx, sub.endpoint(), "many");
  ASSERT_TRUE(link_up(pub, got));
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 250; ++i) pub.publish("load", "x");
    });
  for (auto& t : ts) t.join();
  ASSERT_TRUE(eventually([&] { return count_topic(got, "load") == 1000; }));
  std::lock_guard<std::mutex> l(got.mu);
  std::set<uint64_t> seqs;
  for (const auto& e : got.events) {
    if (e.topic != "load") continue;  // probes
    EXPECT_EQ(e.payload, "x");        // frames never interleave
    seqs.insert(e.seq);
  }
  EXPECT_EQ(seqs.size(), 1000u);  // every sequence number once
  sub.stop();
}

TEST(EventsCurve, OnlyAllowListedPublishersAreHeard) {
  zmq::context_t ctx;
  CurveKeyPair server = curve_keypair(), good = curve_keypair(), bad = curve_keypair();
  EventSubscriberOptions so;
  so.curve = server;
  ZapAuthenticator zap(ctx, {});
  zap.set_allowed(so.zap_domain, {good.public_z85});
  ASSERT_TRUE(zap.start().ok());
  Collected got;
  EventSubscriber sub(
      ctx, "tcp://127.0.0.1:*", {}, [&](const Event& e) { got.add(e); }, so);
  ASSERT_TRUE(sub.start().ok());
  auto keys = [&](std::optional<CurveKeyPair> me) {
    EventPublisherOptions o;
    o.curve = me;
    if (me) o.server_public_z85 = server.public_z85;
    return o;
  };
  EventPublisher allowed(ctx, sub.endpoint(), "good", keys(good));
  EventPublisher stranger(ctx, sub.endpoint(), "bad", keys(bad));
  EventPublisher plain(ctx, sub.endpoint(), "plain", keys(std::nullopt));
  // The outsiders publish as often as the allowed one, for as long as it takes
  // many of the allowed one's events to arrive.
  ASSERT_TRUE(eventually([&] {
    stranger.publish("inject", "{}");
    plain.publish("inject", "{}");
    allowed.publish("ok", "{}");
    return count_topic(got, "ok") >= 20 && zap.denied() >= 1;
  }));
  EXPECT_EQ(count_topic(got, "inject"), 0u);
  std::lock_guard<std::mutex> l(got.mu);
  for (const auto& e : got.events) EXPECT_EQ(e.publisher, "good");
}

TEST(Events, OversizedEventIsDroppedAndLaterOnesArrive) {
  zmq::context_t ctx;
  Collected got;
  EventSubscriberOptions so;
  so.max_msg_bytes = 4096;
  EventSubscriber sub(
      ctx, "tcp://127.0.0.1:*", {}, [&](const Event& e) { got.add(e); }, so);
  ASSERT_TRUE(sub.start().ok());
  EventPublisher pub(ctx, sub.endpoint(), "worker-1");
  ASSERT_TRUE(link_up(pub, got));
  pub.publish("big", std::string(64 * 1024, 'x'));  // drops this publisher's connection
  // It reconnects; a later normal event arrives, and the big one never does.
  ASSERT_TRUE(eventually([&] {
    pub.publish("after", "{}");
    return count_topic(got, "after") > 0;
  }));
  EXPECT_EQ(count_topic(got, "big"), 0u);
  EXPECT_GE(sub.gaps(), 1u);  // the subscriber saw the lost sequence number
}
