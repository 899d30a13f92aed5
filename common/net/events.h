// events.h — sequence-numbered events over ZeroMQ PUB/SUB.
//
// Publishers (sync workers, library-service) connect a PUB socket to the one
// subscriber that binds (auth-service). Frames: <topic> <publisher-id> <seq>
// <payload>. `seq` counts 1, 2, 3… per publisher instance, so a subscriber can
// see a gap (an event lost to a slow join, an HWM drop or a restart) and fall
// back to the durable state in Redis, ignoring events older than its
// snapshot (the zguide "Clone" pattern). Events are notifications, never the
// only copy of anything that matters.
//
// Security: with CURVE options the subscriber is a CURVE server (it binds)
// and a ZAP handler (zap.h) admits only the allow-listed publisher keys of its
// zap_domain; a publisher that is not allowed never completes the handshake,
// so nothing it sends reaches the handler. Both sockets set ZMQ_MAXMSGSIZE
// (max_msg_bytes): an oversized event makes libzmq drop that publisher's
// connection (it reconnects) and the subscriber carries on with the others.
//
// Thread-safety: EventPublisher::publish() may be called from any thread: the
// PUB socket is owned by the publisher's own thread (ZeroMQ sockets must stay
// on one thread), fed through a bounded queue. EventSubscriber runs its own
// thread and calls the handler on it.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "common/core/result.h"
#include "common/net/rpc.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* events_bind = "events_bind";  // bind failed
}  // namespace jb::errc

namespace jb {

// The largest event frame accepted unless configured (JB_EVENTS_MAX_MSG_BYTES):
// events carry a run record or a few ids, a few KB at most.
inline constexpr int64_t kDefaultEventMaxMsgBytes = int64_t{256} << 10;

// A publisher's CURVE identity and the subscriber's public key (both or neither).
struct EventPublisherOptions {
  std::optional<CurveKeyPair> curve;  // this publisher's key pair: enables CURVE
  std::string server_public_z85;      // the subscriber's public key (required with curve)
  int64_t max_msg_bytes = kDefaultEventMaxMsgBytes;
};

// The subscriber's CURVE key pair (the ZAP handler of zap_domain must be running).
struct EventSubscriberOptions {
  std::optional<CurveKeyPair> curve;  // enables CURVE
  std::string zap_domain = "jellybridge-events";
  int64_t max_msg_bytes = kDefaultEventMaxMsgBytes;
};

struct Event {
  std::string topic;
  std::string publisher;
  uint64_t seq = 0;
  std::string payload;
  bool gap = false;  // seq was not last_seq + 1 for this publisher (some were missed)
};

class EventPublisher {
 public:
  EventPublisher(zmq::context_t& ctx, const std::string& connect_endpoint, std::string publisher_id,
                 EventPublisherOptions opts = {});
  ~EventPublisher();
  EventPublisher(const EventPublisher&) = delete;
  EventPublisher& operator=(const EventPublisher&) = delete;

  // Never blocks: queued for the publisher thread; PUB drops when no
  // subscriber is connected or at HWM (and the queue drops past 10,000).
  void publish(const std::string& topic, const std::string& payload);
  uint64_t last_seq() const { return seq_.load(); }

 private:
  void loop(zmq::context_t& ctx, std::string endpoint);
  std::string id_;
  EventPublisherOptions opts_;
  std::atomic<uint64_t> seq_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::array<std::string, 3>> queue_;  // topic, seq, payload
  bool stop_ = false;
  std::thread thread_;
};

class EventSubscriber {
 public:
  using Handler = std::function<void(const Event&)>;
  // Binds bind_endpoint; subscribes to every topic with one of the prefixes
  // (empty list = everything).
  EventSubscriber(zmq::context_t& ctx, std::string bind_endpoint, std::vector<std::string> prefixes,
                  Handler handler, EventSubscriberOptions opts = {});
  ~EventSubscriber();
  EventSubscriber(const EventSubscriber&) = delete;
  EventSubscriber& operator=(const EventSubscriber&) = delete;

  Status start();
  void stop();
  const std::string& endpoint() const { return endpoint_; }
  uint64_t received() const { return received_.load(); }
  uint64_t gaps() const { return gaps_.load(); }

 private:
  void loop();
  zmq::context_t& ctx_;
  std::string bind_;
  std::vector<std::string> prefixes_;
  Handler handler_;
  EventSubscriberOptions opts_;
  std::unique_ptr<zmq::socket_t> sock_;
  std::string endpoint_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> gaps_{0};
  std::map<std::string, uint64_t> last_seq_;  // loop thread only
};

}  // namespace jb
