// resolve.cpp — see resolve.h.
#include "common/net/resolve.h"

#include <curl/curl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/net/http_client.h"

namespace jb::net {

namespace {

std::string url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* v = nullptr;
  if (curl_url_get(u, part, &v, flags) != CURLUE_OK || v == nullptr) return {};
  std::string out(v);
  curl_free(v);
  return out;
}

}  // namespace

Result<std::vector<Endpoint>> resolve_url_endpoints(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return Error(errc::invalid_url, "'" + url + "' is not a URL.", 400);
  std::string host = url_part(u.get(), CURLUPART_HOST);
  std::string port_text = url_part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || port_text.empty())
    return Error(errc::invalid_url, "'" + url + "' has no host.", 400);
  auto port = static_cast<uint16_t>(std::stoi(port_text));

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0)
    return Error(errc::dns_failure,
                 "The host name " + host + " could not be resolved: " + gai_strerror(rc) + ".",
                 502);
  std::vector<Endpoint> out;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    Endpoint e;
    e.port = port;
    if (ai->ai_family == AF_INET) {
      sockaddr_in in{};
      std::memcpy(&in, ai->ai_addr, sizeof in);
      e.address.bytes[10] = e.address.bytes[11] = 0xff;
      std::memcpy(e.address.bytes.data() + 12, &in.sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      sockaddr_in6 in6{};
      std::memcpy(&in6, ai->ai_addr, sizeof in6);
      std::memcpy(e.address.bytes.data(), &in6.sin6_addr, 16);
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), e) == out.end()) out.push_back(e);
  }
  freeaddrinfo(res);
  return out;
}

}  // namespace jb::net
