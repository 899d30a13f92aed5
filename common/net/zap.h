// zap.h — a ZeroMQ ZAP (RFC 27) handler that admits CURVE clients whose public
// key is on an allowlist and refuses everyone else.
//
// Allowlists are per ZAP domain (the server socket's ZMQ_ZAP_DOMAIN), so one
// process can serve several CURVE endpoints with different clients (auth-service:
// the vault and the events channel). A domain without an allowlist admits nobody.
//
// It binds the well-known inproc://zeromq.zap.01 endpoint of the process's
// context, so at most one ZapAuthenticator may run per context, and it must be
// started before any CURVE server socket accepts connections. Every decision
// is logged (public key only; never a secret).
//
// Thread-safety: start()/stop() from the owning thread; the allowlist may be
// replaced from any thread (set_allowed is mutex-protected).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* zap_bind = "zap_bind";  // bind failed
}  // namespace jb::errc

namespace jb {

// The ZAP domain of a CURVE server that does not choose one.
inline constexpr const char* kDefaultZapDomain = "jellybridge";

class ZapAuthenticator {
 public:
  // The allowlist of kDefaultZapDomain (RpcServerOptions' default domain).
  ZapAuthenticator(zmq::context_t& ctx, std::set<std::string> allowed_public_z85);
  ~ZapAuthenticator();
  ZapAuthenticator(const ZapAuthenticator&) = delete;
  ZapAuthenticator& operator=(const ZapAuthenticator&) = delete;

  Status start();
  void stop();
  void set_allowed(std::set<std::string> allowed_public_z85);  // of kDefaultZapDomain
  void set_allowed(const std::string& domain, std::set<std::string> allowed_public_z85);
  uint64_t denied() const { return denied_.load(); }
  uint64_t allowed() const { return allowed_count_.load(); }

 private:
  void loop();
  bool is_allowed(const std::string& domain, const std::string& key_z85);

  zmq::context_t& ctx_;
  std::mutex mu_;
  std::map<std::string, std::set<std::string>> allowed_;  // domain → public keys
  std::unique_ptr<zmq::socket_t> sock_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> denied_{0};
  std::atomic<uint64_t> allowed_count_{0};
};

}  // namespace jb
