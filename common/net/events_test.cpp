// Tests for events.h over real ZeroMQ PUB/SUB sockets.
#include "common/net/events.h"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>
#include <zmq_addon.hpp>

#include "common/core/time.h"

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

bool wait_for(const std::function<bool()>& pred, int ms = 3000) {
  int64_t end = timeutil::monotonic_ms() + ms;
  while (timeutil::monotonic_ms() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}
}  // namespace

TEST(Events, SequencedDeliveryAndTopicFilter) {
  zmq::context_t ctx;
  Collected got;
  EventSubscriber sub(ctx, "tcp://127.0.0.1:*", {"run."}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  EventPublisher pub(ctx, sub.endpoint(), "worker-1");
  // Slow joiner: publish a probe until the subscription is live.
  ASSERT_TRUE(wait_for([&] {
    pub.publish("run.probe", "{}");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return got.size() > 0;
  }));
  size_t before = got.size();
  uint64_t seq_before = pub.last_seq();
  pub.publish("other.topic", "ignored");
  pub.publish("run.progress", "{\"n\":1}");
  pub.publish("run.done", "{\"n\":2}");
  ASSERT_TRUE(wait_for([&] { return got.size() >= before + 2; }));
  std::lock_guard<std::mutex> l(got.mu);
  const Event& a = got.events[before];
  const Event& b = got.events[before + 1];
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
  ASSERT_TRUE(wait_for([&] {
    std::vector<zmq::const_buffer> bad = {zmq::str_buffer("t"), zmq::str_buffer("p")};
    zmq::send_multipart(raw, bad);
    std::vector<zmq::const_buffer> badseq = {zmq::str_buffer("t"), zmq::str_buffer("p"),
                                             zmq::str_buffer("notanumber"), zmq::str_buffer("x")};
    zmq::send_multipart(raw, badseq);
    std::vector<zmq::const_buffer> good = {zmq::str_buffer("t"), zmq::str_buffer("p"),
                                           zmq::str_buffer("1"), zmq::str_buffer("x")};
    zmq::send_multipart(raw, good);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return got.size() > 0;
  }));
  std::lock_guard<std::mutex> l(got.mu);
  for (const auto& e : got.events) EXPECT_EQ(e.payload, "x");
  sub.stop();
}

TEST(Events, PublisherStartedBeforeTheSubscriberStillDelivers) {
  zmq::context_t ctx;
  int port = 0;
  {
    zmq::socket_t probe(ctx, zmq::socket_type::sub);
    probe.bind("tcp://127.0.0.1:*");
    std::string ep = probe.get(zmq::sockopt::last_endpoint);
    port = std::atoi(ep.substr(ep.rfind(':') + 1).c_str());
  }
  std::string ep = "tcp://127.0.0.1:" + std::to_string(port);
  EventPublisher pub(ctx, ep, "early");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nobody listens yet
  Collected got;
  EventSubscriber sub(ctx, ep, {}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  EXPECT_TRUE(wait_for(
      [&] {
        pub.publish("t", "x");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        return got.size() > 0;
      },
      5000));
  sub.stop();
}

TEST(Events, ASingleEventAfterTheLinkIsUpArrives) {
  zmq::context_t ctx;
  Collected got;
  EventSubscriber sub(ctx, "tcp://127.0.0.1:*", {}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  EventPublisher pub(ctx, sub.endpoint(), "single");
  std::this_thread::sleep_for(
      std::chrono::milliseconds(500));  // the TCP link and subscription are up
  std::thread other([&] { pub.publish("index.built", "{}"); });  // from another thread, once
  other.join();
  EXPECT_TRUE(wait_for([&] { return got.size() == 1; }, 2000));
  sub.stop();
}

TEST(Events, EarlyPublisherSingleEventAfterTheSubscriberBinds) {
  int port = 0;
  {
    zmq::context_t probe_ctx;
    zmq::socket_t probe(probe_ctx, zmq::socket_type::sub);
    probe.bind("tcp://127.0.0.1:*");
    std::string ep = probe.get(zmq::sockopt::last_endpoint);
    port = std::atoi(ep.substr(ep.rfind(':') + 1).c_str());
  }
  std::string ep = "tcp://127.0.0.1:" + std::to_string(port);
  zmq::context_t pub_ctx, sub_ctx;
  EventPublisher pub(pub_ctx, ep, "early");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  Collected got;
  EventSubscriber sub(sub_ctx, ep, {}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  std::thread other([&] { pub.publish("library.whitelist", "{}"); });
  other.join();
  EXPECT_TRUE(wait_for([&] { return got.size() == 1; }, 2000));
  sub.stop();
}

TEST(Events, PublishIsSafeFromManyThreads) {
  zmq::context_t ctx;
  Collected got;
  EventSubscriber sub(ctx, "tcp://127.0.0.1:*", {}, [&](const Event& e) { got.add(e); });
  ASSERT_TRUE(sub.start().ok());
  EventPublisher pub(ctx, sub.endpoint(), "many");
  ASSERT_TRUE(wait_for([&] {
    pub.publish("probe", "{}");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return got.size() > 0;
  }));
  size_t before = got.size();
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 250; ++i) pub.publish("load", "x");
    });
  for (auto& t : ts) t.join();
  ASSERT_TRUE(wait_for([&] { return got.size() >= before + 1000; }, 5000));
  std::lock_guard<std::mutex> l(got.mu);
  std::set<uint64_t> seqs;
  for (size_t i = before; i < got.events.size(); ++i) {
    EXPECT_EQ(got.events[i].payload, "x");  // frames never interleave
    seqs.insert(got.events[i].seq);
  }
  EXPECT_EQ(seqs.size(), got.events.size() - before);  // every sequence number once
  sub.stop();
}
