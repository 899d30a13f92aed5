// redis_url_fuzz.cpp — JB_REDIS_URL as the Redis client reads it:
// parse_redis_url (common/redis/client.h), redis://[:password@]host[:port][/db]
// with a percent-encoded password, on libcurl's URL parser.
//
// Input: a URL, e.g. `redis://:s3cr%40t@redis:6380/2`.
// Asserts, for an accepted URL: it starts with redis:// (any case); the host is
// not empty, the port is 1–65535 and the db 0–15; a password the URL carries
// is never dropped (a non-empty one gives a non-empty password); and the
// options written back as a URL (password percent-encoded, IPv6 host in
// brackets) parse to the same options (a numeric IPv4 host to the same
// address, as libcurl rewrites it). A refused URL is invalid_redis_url.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "common/core/text.h"
#include "common/redis/client.h"
#include "fuzz/fuzz_check.h"

namespace {

using jb::fuzz::show;

// The password part of the URL as written (not decoded), as libcurl splits it.
std::string raw_password(const std::string& url) {
  std::string out;
  CURLU* u = curl_url();
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK) {
    char* p = nullptr;
    if (curl_url_get(u, CURLUPART_PASSWORD, &p, 0) == CURLUE_OK && p) out = p;
    curl_free(p);
  }
  curl_url_cleanup(u);
  return out;
}

std::string options_text(const jb::RedisOptions& o) {
  return "host " + show(o.host) + " port " + std::to_string(o.port) + " password " +
         show(o.password) + " db " + std::to_string(o.db);
}

// The same host, or the same address: libcurl rewrites numeric IPv4 forms ("61" is
// 0.0.0.61, as hiredis's resolver reads it too), and decodes a percent-encoded name once per
// parse ("%3%31" → "%31" → "1"), which only a name nobody uses has.
bool same_host(const std::string& a, const std::string& b) {
  if (a == b || a.find('%') != std::string::npos) return true;
  in_addr x{}, y{};
  return inet_aton(a.c_str(), &x) != 0 && inet_aton(b.c_str(), &y) != 0 && x.s_addr == y.s_addr;
}

std::string write(const jb::RedisOptions& o) {
  std::string host = o.host.find(':') != std::string::npos ? "[" + o.host + "]" : o.host;
  return "redis://" + (o.password.empty() ? "" : ":" + jb::text::url_encode(o.password) + "@") +
         host + ":" + std::to_string(o.port) + "/" + std::to_string(o.db);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string url(reinterpret_cast<const char*>(data), size);
  auto o = jb::parse_redis_url(url);
  if (!o.ok()) {
    FUZZ_CHECK(o.error().code == "invalid_redis_url", "error " + o.error().code);
    return 0;
  }
  FUZZ_CHECK(jb::text::istarts_with(url, "redis://"), "accepted " + show(url));
  FUZZ_CHECK(!o->host.empty() && o->port >= 1 && o->port <= 65535 && o->db >= 0 && o->db <= 15,
             options_text(*o) + " from " + show(url));
  if (!raw_password(url).empty())
    FUZZ_CHECK(!o->password.empty(), "the password of " + show(url) + " was dropped");

  // Written back as a URL, the options parse to the same options.
  auto back = jb::parse_redis_url(write(*o));
  FUZZ_CHECK(back.ok(), "written back as " + show(write(*o)) + ", refused; from " + show(url));
  FUZZ_CHECK(back->port == o->port && back->password == o->password && back->db == o->db &&
                 same_host(o->host, back->host),
             options_text(*o) + " from " + show(url) + " became " + options_text(*back));
  return 0;
}
