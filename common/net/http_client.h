// http_client.h — outbound HTTP on libcurl: timeouts, TLS verification on by
// default, connection reuse, response size cap, errors classified into stable
// codes a caller can turn into a precise message.
//
// Error codes: "connection_refused", "dns_failure", "timeout", "tls_failure",
// "connection_failed", "response_too_large", "invalid_url", "http_transport",
// "outbound_refused".
//
// The SSRF guard: a client with an `outbound` policy (outbound_policy.h) asks
// it about every socket libcurl opens (CURLOPT_OPENSOCKETFUNCTION), with the
// address and port actually being connected to, before connect(): a refused
// address never sees a packet, whatever name or spelling led to it and however
// its DNS changes later (a reused connection was checked when it was opened).
// The refusal is logged with its reason (a warning) and answered as
// errc::outbound_refused. Redirects are never followed, and proxies from the
// environment (http_proxy, https_proxy, all_proxy) are ignored by every client,
// so a proxy cannot carry a request past the check.
//
// The last check before sending: a request's `before_send` runs once its
// connection is open (new or reused), immediately before the request is
// written to it (CURLOPT_PREREQFUNCTION). A refusal sends nothing and is
// returned as it is. Work that must not act after losing its lease checks
// there, so connecting or waiting for a socket never sits between the check
// and the write.
//
// Thread-safety: an HttpClient owns one curl easy handle and is NOT
// thread-safe; use one per thread (connections are reused per client).
// Construction may happen on any thread (curl_global_init is done once).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/core/result.h"
#include "common/net/outbound_policy.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* connection_failed = "connection_failed";    // transport failure
constexpr const char* connection_refused = "connection_refused";  // refused
constexpr const char* dns_failure = "dns_failure";                // name not resolved
constexpr const char* tls_failure = "tls_failure";                // TLS failed
constexpr const char* timeout = "timeout";                        // timed out
constexpr const char* http_transport = "http_transport";          // other transport failure
constexpr const char* invalid_url = "invalid_url";                // URL not usable
constexpr const char* response_too_large = "response_too_large";  // answer over the size limit
constexpr const char* outbound_refused = "outbound_refused";      // address refused by the policy
}  // namespace jb::errc

namespace jb {

// A libcurl failure (`code` is a CURLcode; errbuf its CURLOPT_ERRORBUFFER;
// os_errno CURLINFO_OS_ERRNO) as one of the codes above; `url` names the target.
Error classify_curl_error(int code, const char* errbuf, const std::string& url, long os_errno);

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long timeout_ms = 0;  // 0 = the client's default
  // Asked right before the request is written; an error stops it unsent (see above).
  std::function<Status()> before_send;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
  double total_ms = 0;
  // First header with this name (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

struct HttpClientOptions {
  long connect_timeout_ms = 3000;
  long timeout_ms = 15000;
  bool verify_tls = true;
  std::string ca_file;  // empty = system store
  size_t max_response_bytes = 64u << 20;
  std::string user_agent = "Jellybridge/0.1";
  // Which addresses this client may connect to; null = any (internal and test clients only).
  std::shared_ptr<const net::OutboundPolicy> outbound;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions opts = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a successful Result; only transport failures are Errors.
  Result<HttpResponse> send(const HttpRequest& req);
  Result<HttpResponse> get(const std::string& url,
                           std::vector<std::pair<std::string, std::string>> headers = {});
  Result<HttpResponse> post_json(const std::string& url, std::string body,
                                 std::vector<std::pair<std::string, std::string>> headers = {});

  const HttpClientOptions& options() const { return opts_; }

 private:
  struct Impl;
  HttpClientOptions opts_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jb
