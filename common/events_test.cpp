// Tests for events.h over real ZeroMQ PUB/SUB sockets.
#include "common/events.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <zmq_addon.hpp>

#include "common/time.h"

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
