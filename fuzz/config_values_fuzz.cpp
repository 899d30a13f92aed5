// config_values_fuzz.cpp — configuration values (common/core/config.h
// ConfigReader: port, integer, boolean, http_url, redis_url, zmq_endpoint,
// list, one_of, secret, and load_common_config in common/service/config.h,
// which also parses JB_REDIS_URL), read from an Env::from_map built from the
// input.
//
// Input: up to nine values separated by NUL bytes (an environment value cannot
// contain NUL), for JB_HTTP_PORT, JB_SYNC_PAGE_SIZE, JB_JELLYFIN_TLS_VERIFY,
// JB_JELLYFIN_URL, JB_REDIS_URL, JB_VAULT_RPC_URL, JB_VAULT_CLIENT_KEYS,
// JB_LOG_LEVEL and JB_REDIS_TIMEOUT_MS, in that order.
// Asserts:
//  * every value read is its fallback or what the variable says, in range: a
//    port 0–65535, an integer within its bounds, a boolean from the documented
//    words, an http(s) URL with a host, a redis:// URL, a ZeroMQ endpoint of
//    the documented forms, list entries trimmed and non-empty, one of the
//    allowed values;
//  * a bad value gives exactly one problem, which names the variable, is one
//    line, is valid UTF-8 when the value is, and never shows a Redis URL's
//    password;
//  * a blank variable means the default, without a problem.
//
// Thread-safety: a fuzz entry point; one call at a time.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/core/config.h"
#include "common/core/text.h"
#include "common/service/config.h"
#include "fuzz/fuzz_check.h"
#include "tests/standin/auth_header.h"

namespace {

using jb::fuzz::show;

const char* const kNames[] = {"JB_HTTP_PORT",         "JB_SYNC_PAGE_SIZE", "JB_JELLYFIN_TLS_VERIFY",
                              "JB_JELLYFIN_URL",      "JB_REDIS_URL",      "JB_VAULT_RPC_URL",
                              "JB_VAULT_CLIENT_KEYS", "JB_LOG_LEVEL",      "JB_REDIS_TIMEOUT_MS"};

bool valid_utf8(std::string_view s) {
  return jb::standin::sanitize_utf8(s) == s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto values = jb::fuzz::split(in, '\0', 9);
  std::map<std::string, std::string> vars;
  for (size_t i = 0; i < values.size(); ++i) vars[kNames[i]] = std::string(values[i]);
  jb::Env env = jb::Env::from_map(vars);
  jb::ConfigReader r(env);
  auto value = [&](const char* name) -> std::string {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : std::string(jb::text::trim(it->second));
  };
  // Each read: the problems it added must name the variable, once, on one line.
  auto read = [&](const char* name, auto f) {
    size_t before = r.problems().size();
    auto got = f();
    size_t added = r.problems().size() - before;
    std::string v = value(name);
    FUZZ_CHECK(added <= 1, std::to_string(added) + " problems for " + name);
    if (v.empty()) FUZZ_CHECK(added == 0, std::string("a blank ") + name + " is a problem");
    if (added) {
      const jb::ConfigProblem& p = r.problems().back();
      FUZZ_CHECK(p.variable == name && p.message.find(name) != std::string::npos && !p.missing,
                 "problem " + show(p.message) + " for " + name);
      FUZZ_CHECK(
          p.message.find('\n') == std::string::npos && p.message.find('\r') == std::string::npos,
          "problem is not one line: " + show(p.message));
      if (valid_utf8(v))
        FUZZ_CHECK(valid_utf8(p.message), "problem is not UTF-8: " + show(p.message));
    }
    return std::make_pair(got, added == 1);
  };

  auto [port, port_bad] = read(kNames[0], [&] { return r.port(kNames[0], 8080); });
  FUZZ_CHECK(port_bad || value(kNames[0]).empty() || std::to_string(port) == value(kNames[0]) ||
                 std::stoull(value(kNames[0])) == port,
             "port " + std::to_string(port) + " from " + show(value(kNames[0])));

  auto [page, page_bad] = read(kNames[1], [&] { return r.integer(kNames[1], 1000, 1, 10000); });
  FUZZ_CHECK(page >= 1 && page <= 10000, "integer " + std::to_string(page) + " out of range");
  if (!page_bad && !value(kNames[1]).empty())
    FUZZ_CHECK(std::to_string(page) == value(kNames[1]) || value(kNames[1])[0] == '0' ||
                   value(kNames[1])[0] == '-',
               "integer " + std::to_string(page) + " from " + show(value(kNames[1])));

  auto [tls, tls_bad] = read(kNames[2], [&] { return r.boolean(kNames[2], true); });
  if (!tls_bad && !value(kNames[2]).empty()) {
    std::string l = jb::text::to_lower(value(kNames[2]));
    bool yes = l == "1" || l == "true" || l == "yes" || l == "on";
    bool no = l == "0" || l == "false" || l == "no" || l == "off";
    FUZZ_CHECK((yes && tls) || (no && !tls), "boolean from " + show(l));
  }

  auto [url, url_bad] = read(kNames[3], [&] { return r.http_url(kNames[3], "", true); });
  if (!url.empty())
    FUZZ_CHECK(url == value(kNames[3]) && (jb::text::istarts_with(url, "http://") ||
                                           jb::text::istarts_with(url, "https://")),
               "http_url " + show(url));
  (void)url_bad;

  auto [redis, redis_bad] =
      read(kNames[4], [&] { return r.redis_url(kNames[4], "redis://127.0.0.1:6379"); });
  FUZZ_CHECK(jb::text::istarts_with(redis, "redis://"), "redis_url " + show(redis));
  if (redis_bad && value(kNames[4]).find('@') != std::string::npos) {
    // The password is never shown: the value is hidden when it has userinfo.
    const std::string& m = r.problems().back().message;
    FUZZ_CHECK(m.find("(value hidden)") != std::string::npos && m.find('\'') == std::string::npos,
               "Redis URL with a password shown: " + show(m));
  }

  auto [zmq, zmq_bad] =
      read(kNames[5], [&] { return r.zmq_endpoint(kNames[5], "tcp://127.0.0.1:5558"); });
  if (jb::text::istarts_with(zmq, "tcp://")) {
    size_t colon = zmq.rfind(':');
    std::string p = zmq.substr(colon + 1);
    uint64_t n = 0;
    FUZZ_CHECK(colon > 6 && (p == "*" || (jb::text::parse_uint64(p, n) && n >= 1 && n <= 65535)),
               "zmq endpoint " + show(zmq));
  } else {
    FUZZ_CHECK((jb::text::istarts_with(zmq, "ipc://") && zmq.size() > 6) ||
                   (jb::text::istarts_with(zmq, "inproc://") && zmq.size() > 9),
               "zmq endpoint " + show(zmq));
  }
  (void)zmq_bad;

  auto [keys, keys_bad] = read(kNames[6], [&] { return r.list(kNames[6], {}); });
  FUZZ_CHECK(!keys_bad, "a list is never bad");
  for (const auto& k : keys)
    FUZZ_CHECK(!k.empty() && jb::text::trim(k) == k && k.find(',') == std::string::npos,
               "list entry " + show(k));

  std::vector<std::string> levels = {"debug", "info", "warn", "error"};
  auto [level, level_bad] = read(kNames[7], [&] { return r.one_of(kNames[7], "info", levels); });
  FUZZ_CHECK(std::find(levels.begin(), levels.end(), level) != levels.end(), "level " + level);
  (void)level_bad;

  // What every service reads first (parses JB_REDIS_URL again, for the client).
  jb::CommonConfig common = jb::load_common_config(r);
  FUZZ_CHECK(!common.redis.host.empty() && common.redis.port >= 1 && common.redis.db >= 0 &&
                 common.redis.db <= 15 && common.redis.command_timeout_ms >= 50 &&
                 common.redis.command_timeout_ms <= 60000 && common.redis_pool >= 1,
             "common config");
  for (const auto& line : r.report())
    FUZZ_CHECK(line.rfind("config error: ", 0) == 0 && line.find('\n') == std::string::npos,
               "report line " + show(line));
  return 0;
}
