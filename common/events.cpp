// events.cpp — see events.h.
#include "common/events.h"

#include <zmq_addon.hpp>

#include "common/log.h"
#include "common/text.h"

namespace jb {

EventPublisher::EventPublisher(zmq::context_t& ctx, const std::string& endpoint, std::string id)
    : sock_(std::make_unique<zmq::socket_t>(ctx, zmq::socket_type::pub)), id_(std::move(id)) {
  sock_->set(zmq::sockopt::linger, 200);
  sock_->set(zmq::sockopt::sndhwm, 10000);
  sock_->connect(endpoint);
}

EventPublisher::~EventPublisher() { sock_->close(); }

void EventPublisher::publish(const std::string& topic, const std::string& payload) {
  std::string seq = std::to_string(++seq_);
  std::vector<zmq::const_buffer> frames = {zmq::buffer(topic), zmq::buffer(id_), zmq::buffer(seq),
                                           zmq::buffer(payload)};
  try {
    zmq::send_multipart(*sock_, frames, zmq::send_flags::dontwait);
  } catch (const zmq::error_t& e) {
    log::warn("event not published", {{"topic", topic}, {"error", e.what()}});
  }
}

EventSubscriber::EventSubscriber(zmq::context_t& ctx, std::string bind_endpoint,
                                 std::vector<std::string> prefixes, Handler handler)
    : ctx_(ctx), bind_(std::move(bind_endpoint)), prefixes_(std::move(prefixes)), handler_(std::move(handler)) {}

EventSubscriber::~EventSubscriber() { stop(); }

Status EventSubscriber::start() {
  try {
    sock_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::sub);
    sock_->set(zmq::sockopt::linger, 0);
    sock_->set(zmq::sockopt::rcvhwm, 100000);
    if (prefixes_.empty()) sock_->set(zmq::sockopt::subscribe, "");
    for (const auto& p : prefixes_) sock_->set(zmq::sockopt::subscribe, p);
    sock_->bind(bind_);
    endpoint_ = sock_->get(zmq::sockopt::last_endpoint);
  } catch (const zmq::error_t& e) {
    return Error("events_bind", "Cannot bind the event subscriber on " + bind_ + ": " + e.what() + ".");
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
  while (!stop_.load()) {
    zmq::pollitem_t it[] = {{sock_->handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(it, 1, std::chrono::milliseconds(100));
    } catch (const zmq::error_t&) {
      break;
    }
    if (!(it[0].revents & ZMQ_POLLIN)) continue;
    for (int n = 0; n < 1000; ++n) {
      std::vector<zmq::message_t> parts;
      if (!zmq::recv_multipart(*sock_, std::back_inserter(parts), zmq::recv_flags::dontwait)) break;
      if (parts.size() != 4) continue;  // not ours
      Event e;
      e.topic = parts[0].to_string();
      e.publisher = parts[1].to_string();
      if (!text::parse_uint64(parts[2].to_string(), e.seq)) continue;
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
    }
  }
  sock_->close();
}

}  // namespace jb
