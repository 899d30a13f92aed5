// zap.cpp — see zap.h.
#include "common/net/zap.h"

#include <zmq_addon.hpp>

#include "common/core/log.h"
#include "common/net/receive_loop.h"

namespace jb {

ZapAuthenticator::ZapAuthenticator(zmq::context_t& ctx, std::set<std::string> allowed) : ctx_(ctx) {
  allowed_[kDefaultZapDomain] = std::move(allowed);
}

ZapAuthenticator::~ZapAuthenticator() {
  stop();
}

void ZapAuthenticator::set_allowed(std::set<std::string> allowed) {
  set_allowed(kDefaultZapDomain, std::move(allowed));
}

void ZapAuthenticator::set_allowed(const std::string& domain, std::set<std::string> allowed) {
  std::lock_guard<std::mutex> l(mu_);
  allowed_[domain] = std::move(allowed);
}

bool ZapAuthenticator::is_allowed(const std::string& domain, const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = allowed_.find(domain);
  return it != allowed_.end() && it->second.count(key) > 0;
}

Status ZapAuthenticator::start() {
  try {
    sock_ = std::make_unique<zmq::socket_t>(ctx_, zmq::socket_type::rep);
    sock_->set(zmq::sockopt::linger, 0);
    sock_->set(zmq::sockopt::maxmsgsize, int64_t{64 * 1024});  // ZAP requests are tiny
    sock_->bind("inproc://zeromq.zap.01");
  } catch (const zmq::error_t& e) {
    return Error(errc::zap_bind, std::string("Cannot start the ZAP handler: ") + e.what() + ".");
  }
  thread_ = std::thread([this] { loop(); });
  return Status::Ok();
}

void ZapAuthenticator::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  thread_.join();
}

void ZapAuthenticator::loop() {
  receive_loop(
      *sock_, stop_,
      [this](std::vector<zmq::message_t>& req) {
        // version, request_id, domain, address, identity, mechanism, credentials...
        if (req.size() < 6) return;
        std::string version = req[0].to_string();
        std::string request_id = req[1].to_string();
        std::string domain = req[2].to_string();
        std::string mechanism = req[5].to_string();
        std::string status = "400", text = "Not allowed";
        std::string key_z85;
        if (version == "1.0" && mechanism == "CURVE" && req.size() >= 7 && req[6].size() == 32) {
          char z85[41] = {0};
          zmq_z85_encode(z85, req[6].data<uint8_t>(), 32);
          key_z85 = z85;
          if (is_allowed(domain, key_z85)) {
            status = "200";
            text = "OK";
          }
        }
        if (status == "200") {
          allowed_count_++;
          log::debug("zap: client admitted", {{"client_public_key", key_z85}, {"domain", domain}});
        } else {
          denied_++;
          log::warn("zap: client refused",
                    {{"client_public_key", key_z85}, {"mechanism", mechanism}, {"domain", domain}});
        }
        std::vector<zmq::const_buffer> rep = {zmq::buffer(version), zmq::buffer(request_id),
                                              zmq::buffer(status),  zmq::buffer(text),
                                              zmq::str_buffer(""),  zmq::str_buffer("")};
        try {
          zmq::send_multipart(*sock_, rep);
        } catch (const zmq::error_t&) {
        }
      },
      1);
  sock_->close();
}

}  // namespace jb
