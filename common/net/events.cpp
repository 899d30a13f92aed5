// events.cpp — see events.h.
#include "common/net/events.h"

#include <zmq_addon.hpp>

#include "common/core/log.h"
#include "common/core/metrics.h"
#include "common/core/text.h"
#include "common/net/receive_loop.h"

namespace jb {

EventPublisher::EventPublisher(zmq::context_t& ctx, const std::string& endpoint, std::string id,
                               EventPublisherOptions opts)
    : id_(std::move(id)), opts_(std::move(opts)) {
  thread_ = std::thread([this, &ctx, endpoint] { loop(ctx, endpoint); });
}

EventPublisher::~EventPublisher() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventPublisher::publish(const std::string& topic, const std::string& payload) {
  std::string seq = std::to_string(++seq_);
  {
    std::lock_guard<std::mutex> l(mu_);
    if (queue_.size() >= 10000) return;  // a stuck publisher must not grow without bound
    queue_.push_back({topic, seq, payload});
  }
  cv_.notify_one();
}

void EventPublisher::loop(zmq::context_t& ctx, std::string endpoint) {
  zmq::socket_t sock(ctx, zmq::socket_type::pub);
  sock.set(zmq::sockopt::linger, 200);
  sock.set(zmq::sockopt::sndhwm, 10000);
  sock.set(zmq::sockopt::maxmsgsize, opts_.max_msg_bytes);
  if (opts_.curve) {
    sock.set(zmq::sockopt::curve_serverkey, opts_.server_public_z85);
    sock.set(zmq::sockopt::curve_publickey, opts_.curve->public_z85);
    sock.set(zmq::sockopt::curve_secretkey, opts_.curve->secret_z85);
  }
  sock.connect(endpoint);
  for (;;) {
    std::deque<std::array<std::string, 3>> batch;
    {
      std::unique_lock<std::mutex> l(mu_);
      // Wake up regularly even when idle, so ZeroMQ processes connection and
      // subscription commands on this socket's thread.
      cv_.wait_for(l, std::chrono::milliseconds(100), [&] { return stop_ || !queue_.empty(); });
      batch.swap(queue_);
      if (batch.empty() && stop_) break;
    }
    for (const auto& [topic, seq, payload] : batch) {
      std::vector<zmq::const_buffer> frames = {zmq::buffer(topic), zmq::buffer(id_),
                                               zmq::buffer(seq), zmq::buffer(payload)};
      try {
        zmq::send_multipart(sock, frames, zmq::send_flags::dontwait);
        metrics::global()
            .counter("jb_events_published_total", "Events published", {{"topic", topic}})
            .inc();
      } catch (const zmq::error_t& e) {
        log::warn("event not published", {{"topic", topic}, {"error", e.what()}});
      }
    }
    if (batch.empty()) {
      // Idle: let the socket process pending commands (attach, subscriptions).
      try {
        (void)sock.get(zmq::sockopt::events);
      } catch (const zmq::error_t&) {
      }
    }
  }
  sock.close();
}

EventSubscriber::EventSubscriber(zmq::context_t& ctx, std::string bind_endpoint,
                                 std::vector<std::string> prefixes, Handler handler,
                                 EventSubscriberOptions opts)
    : ctx_(ctx),
      bind_(std::move(bind_endpoint)),
      prefixes_(std::move(prefixes)),
      handler_(std::move(handler)),
      opts_(std::move(opts)) {}

EventSubscriber::~EventSubscriber() {
  stop();
}

Status EventSubscriber::start() {
  try {
    sock_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::sub);
    sock_->set(zmq::sockopt::linger, 0);
    sock_->set(zmq::sockopt::rcvhwm, 100000);
    sock_->set(zmq::sockopt::maxmsgsize, opts_.max_msg_bytes);
    if (opts_.curve) {
      sock_->set(zmq::sockopt::curve_server, 1);
      sock_->set(zmq::sockopt::curve_secretkey, opts_.curve->secret_z85);
      sock_->set(zmq::sockopt::zap_domain, opts_.zap_domain);
    }
    if (prefixes_.empty()) sock_->set(zmq::sockopt::subscribe, "");
    for (const auto& p : prefixes_) sock_->set(zmq::sockopt::subscribe, p);
    sock_->bind(bind_);
    endpoint_ = sock_->get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return Error(errc::events_bind,
                 "Cannot bind the event subscriber on " + bind_ + ": " + e.what() + ".");
  }
  thread_ = std::thread([this] { loop(); });
  return Status::Ok();
}

void EventSubscriber::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  thread_.join();
}

void EventSubscriber::loop() {
  receive_loop(*sock_, stop_, [this](std::vector<zmq::message_t>& parts) {
    if (parts.size() != 4) return;  // not ours
    Event e;
    e.topic = parts[0].to_string();
    e.publisher = parts[1].to_string();
    if (!text::parse_uint64(parts[2].to_string(), e.seq)) return;
    e.payload = parts[3].to_string();
    auto& last = last_seq_[e.publisher];
    e.gap = last != 0 ? e.seq != last + 1 : e.seq != 1;
    if (e.gap) gaps_++;
    last = e.seq;
    received_++;
    try {
      handler_(e);
    } catch (const std::exception& ex) {
      log::error("event handler threw", {{"topic", e.topic}, {"error", ex.what()}});
    }
  });
  sock_->close();
}

}  // namespace jb
