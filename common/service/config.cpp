// config.cpp — see config.h.
#include "common/service/config.h"

#include "common/net/cidr.h"
#include "common/net/resolve.h"

namespace jb {

CommonConfig load_common_config(ConfigReader& r) {
  CommonConfig c;
  std::string url = r.redis_url("JB_REDIS_URL", "redis://127.0.0.1:6379");
  auto parsed = parse_redis_url(url);
  if (parsed.ok()) {
    c.redis = *parsed;
  } else {
    r.add_problem("JB_REDIS_URL", "config error: JB_REDIS_URL " + parsed.error().message);
  }
  c.redis.command_timeout_ms = static_cast<int>(r.integer("JB_REDIS_TIMEOUT_MS", 2000, 50, 60000));
  c.redis_pool = static_cast<size_t>(r.integer("JB_REDIS_POOL", 8, 1, 256));
  std::string level = r.one_of("JB_LOG_LEVEL", "info", {"debug", "info", "warn", "error"});
  log::parse_level(level, c.log_level);
  c.admin_host = r.str("JB_ADMIN_HOST", "0.0.0.0");
  c.server_name = r.str("JB_SERVER_NAME", c.server_name);
  if (c.server_name.size() > 100) r.add_problem("JB_SERVER_NAME", "must be at most 100 bytes");
  return c;
}

HttpClientOptions load_jellyfin_http(ConfigReader& r, int default_timeout_ms) {
  HttpClientOptions o;
  o.timeout_ms = r.integer("JB_JELLYFIN_TIMEOUT_MS", default_timeout_ms, 100, 600000);
  o.verify_tls = r.boolean("JB_JELLYFIN_TLS_VERIFY", true);
  o.ca_file = r.str("JB_JELLYFIN_CA_FILE", "");
  o.outbound = load_outbound_policy(r, r.http_url("JB_JELLYFIN_URL", "", true));
  return o;
}

std::shared_ptr<const net::OutboundPolicy> load_outbound_policy(ConfigReader& r,
                                                                const std::string& home_url) {
  net::CidrSet allow = net::read_cidrs(r, "JB_OUTBOUND_ALLOW", net::kOutboundAllowDefault);
  net::CidrSet deny = net::read_cidrs(r, "JB_OUTBOUND_DENY", "");
  std::vector<net::Endpoint> pinned;
  if (!home_url.empty()) {
    auto home = net::resolve_url_endpoints(home_url);
    if (home.ok())
      pinned = std::move(*home);
    else
      log::warn("the home server's address is not pinned in the outbound policy",
                {{"url", home_url}, {"error", home.error().message}});
  }
  return std::make_shared<const net::OutboundPolicy>(std::move(allow), std::move(deny),
                                                     std::move(pinned));
}

ServerBudgetOptions load_server_budget(ConfigReader& r) {
  ServerBudgetOptions o;
  o.limit = static_cast<int>(r.integer("JB_SERVER_CONCURRENCY", o.limit, 1, 256));
  return o;
}

}  // namespace jb
