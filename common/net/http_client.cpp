// http_client.cpp — see http_client.h.
#include "common/net/http_client.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>

#include "common/core/log.h"
#include "common/core/text.h"

namespace jb {

namespace {

std::once_flag g_curl_once;

struct Sink {
  std::string* body;
  std::vector<std::pair<std::string, std::string>>* headers;
  size_t max;
  bool overflow = false;
};

size_t on_body(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* s = static_cast<Sink*>(userdata);
  size_t n = size * nmemb;
  if (s->body->size() + n > s->max) {
    s->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  s->body->append(ptr, n);
  return n;
}

size_t on_header(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* s = static_cast<Sink*>(userdata);
  size_t n = size * nmemb;
  std::string_view line(ptr, n);
  if (text::istarts_with(line, "HTTP/")) {
    s->headers->clear();  // a new response (after 100-continue or a redirect)
    return n;
  }
  auto colon = line.find(':');
  if (colon != std::string_view::npos) {
    s->headers->emplace_back(std::string(text::trim(line.substr(0, colon))),
                             std::string(text::trim(line.substr(colon + 1))));
  }
  return n;
}

// The SSRF guard's state for one request (see http_client.h).
struct Guard {
  const net::OutboundPolicy* policy;
  const std::string* url;
  bool refused = false;
};

// The last check before sending (see http_client.h); called by libcurl once
// the connection is ready, right before the request goes out.
struct PreSend {
  const std::function<Status()>* check;
  std::optional<Error> refused;
};

int on_prereq(void* clientp, char*, char*, int, int) {
  auto* p = static_cast<PreSend*>(clientp);
  try {
    Status s = (*p->check)();
    if (s.ok()) return CURL_PREREQFUNC_OK;
    p->refused = s.error();
  } catch (const std::exception& e) {
    p->refused =
        Error(errc::http_transport, std::string("the check before sending failed: ") + e.what());
  }
  return CURL_PREREQFUNC_ABORT;
}

// The URL without its query (which could carry a secret) for the log.
std::string loggable(const std::string& url) {
  return url.substr(0, url.find_first_of("?#"));
}

curl_socket_t on_open_socket(void* clientp, curlsocktype purpose, curl_sockaddr* sa) {
  auto* g = static_cast<Guard*>(clientp);
  net::IpAddress ip;
  uint16_t port = 0;
  bool known = purpose == CURLSOCKTYPE_IPCXN;
  if (known && sa->family == AF_INET && sa->addrlen >= sizeof(sockaddr_in)) {
    sockaddr_in in{};
    std::memcpy(&in, &sa->addr, sizeof in);
    ip.bytes[10] = ip.bytes[11] = 0xff;
    std::memcpy(ip.bytes.data() + 12, &in.sin_addr, 4);
    port = ntohs(in.sin_port);
  } else if (known && sa->family == AF_INET6 && sa->addrlen >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, &sa->addr, sizeof in6);
    std::memcpy(ip.bytes.data(), &in6.sin6_addr, 16);
    port = ntohs(in6.sin6_port);
  } else {
    known = false;
  }
  net::OutboundDecision d =
      known ? g->policy->decide(ip, port) : net::OutboundDecision{false, "not an IP connection"};
  if (!d.allowed) {
    g->refused = true;
    log::warn("outbound connection refused", {{"url", loggable(*g->url)},
                                              {"address", known ? ip.str() : std::string("?")},
                                              {"port", std::to_string(port)},
                                              {"reason", d.reason}});
    return CURL_SOCKET_BAD;  // libcurl tries the name's next address, else CURLE_COULDNT_CONNECT
  }
  return socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
}

}  // namespace

Error classify_curl_error(int code, const char* errbuf, const std::string& url, long os_errno) {
  const auto rc = static_cast<CURLcode>(code);
  std::string detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_COULDNT_CONNECT:
      if (os_errno == ECONNREFUSED)
        return Error(errc::connection_refused, "The connection to " + url + " was refused.", 502);
      return Error(errc::connection_failed, "Could not connect to " + url + ": " + detail + ".",
                   502);
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Error(errc::dns_failure, "The host name in " + url + " could not be resolved.", 502);
    case CURLE_OPERATION_TIMEDOUT:
      return Error(errc::timeout, "The request to " + url + " timed out: " + detail + ".", 504);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED:
      return Error(errc::tls_failure, "The TLS connection to " + url + " failed: " + detail + ".",
                   502);
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Error(errc::invalid_url, "The URL " + url + " is not valid.", 400);
    default:
      return Error(errc::http_transport, "The request to " + url + " failed: " + detail + ".", 502);
  }
}

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (text::iequals(k, name)) return v;
  return {};
}

struct HttpClient::Impl {
  CURL* curl = nullptr;
};

HttpClient::HttpClient(HttpClientOptions opts) : opts_(std::move(opts)), impl_(new Impl) {
  std::call_once(g_curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->curl = curl_easy_init();
}

HttpClient::~HttpClient() {
  if (impl_->curl) curl_easy_cleanup(impl_->curl);
}

Result<HttpResponse> HttpClient::send(const HttpRequest& req) {
  CURL* c = impl_->curl;
  if (c == nullptr) return Error(errc::http_transport, "libcurl could not be initialised.", 500);
  curl_easy_reset(c);  // keeps the connection cache, clears per-request options

  HttpResponse resp;
  Sink sink{&resp.body, &resp.headers, opts_.max_response_bytes};
  char errbuf[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, opts_.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req.timeout_ms > 0 ? req.timeout_ms : opts_.timeout_ms);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, opts_.verify_tls ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, opts_.verify_tls ? 2L : 0L);
  if (!opts_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, opts_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, opts_.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // never: a redirect could lead anywhere
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // no proxy from the environment (http_proxy…)
  Guard guard{opts_.outbound.get(), &req.url};
  if (guard.policy) {
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &guard);
  }

  PreSend pre{&req.before_send, std::nullopt};
  if (req.before_send) {
    curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(c, CURLOPT_PREREQDATA, &pre);
  }

  const std::string& m = req.method;
  if (m == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else if (m == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, m.c_str());
    if (!req.body.empty() || m == "POST" || m == "PUT" || m == "PATCH") {
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
  }

  curl_slist* hdrs = nullptr;
  bool has_conn = false;
  for (const auto& [k, v] : req.headers) {
    has_conn = has_conn || text::iequals(k, "Connection");
    hdrs = curl_slist_append(hdrs, (k + ": " + v).c_str());
  }
  // Pistache answers "Connection: Close" to requests without the header.
  if (!has_conn) hdrs = curl_slist_append(hdrs, "Connection: keep-alive");
  hdrs = curl_slist_append(hdrs, "Expect:");  // no 100-continue round trip
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);

  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(hdrs);

  if (sink.overflow) {
    return Error(errc::response_too_large,
                 "The response from " + req.url + " exceeded " +
                     std::to_string(opts_.max_response_bytes) + " bytes.",
                 502);
  }
  if (rc != CURLE_OK && pre.refused) return *pre.refused;
  if (rc != CURLE_OK && guard.refused) {
    return Error(errc::outbound_refused,
                 "The request to " + req.url + " was not sent: its address is not allowed.", 502);
  }
  if (rc != CURLE_OK) {
    long os_errno = 0;
    curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
    return classify_curl_error(rc, errbuf, req.url, os_errno);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  double t = 0;
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &t);
  resp.total_ms = t * 1000.0;
  return resp;
}

Result<HttpResponse> HttpClient::get(const std::string& url,
                                     std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.url = url;
  r.headers = std::move(headers);
  return send(r);
}

Result<HttpResponse> HttpClient::post_json(
    const std::string& url, std::string body,
    std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.method = "POST";
  r.url = url;
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.headers.emplace_back("Content-Type", "application/json");
  return send(r);
}

}  // namespace jb
