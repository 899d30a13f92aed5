// connection.cpp — see connection.h.
#include "auth-service/connections/connection.h"

#include "common/core/json.h"
#include "common/core/time.h"

namespace jb::auth {

bool uses_user_token(const Connection& c) {
  return c.method == "password" || c.method == "quickconnect";
}

std::string qc_secret_aad(const std::string& connection_id) {
  return connection_id + "#qc_secret";
}

std::map<std::string, std::string> to_fields(const Connection& c) {
  return {{"id", c.id},
          {"owner", c.owner},
          {"method", c.method},
          {"status", c.status},
          {"pending_reason", c.pending_reason},
          {"server_url", c.server_url},
          {"server_id", c.server_id},
          {"server_name", c.server_name},
          {"server_version", c.server_version},
          {"jf_user_id", c.jf_user_id},
          {"jf_user_name", c.jf_user_name},
          {"device_id", c.device_id},
          {"home", c.home ? "1" : "0"},
          {"last_error_code", c.last_error_code},
          {"last_error", c.last_error},
          {"created_ms", std::to_string(c.created_ms)},
          {"last_check_ms", std::to_string(c.last_check_ms)},
          {"next_check_ms", std::to_string(c.next_check_ms)},
          {"info_checked_ms", std::to_string(c.info_checked_ms)},
          {"failures", std::to_string(c.failures)},
          {"qc_code", c.qc_code},
          {"qc_expires_ms", std::to_string(c.qc_expires_ms)},
          {"token", c.token_sealed},
          {"qc_secret", c.qc_secret_sealed}};
}

Connection from_fields(const std::map<std::string, std::string>& f) {
  auto s = [&](const char* k) {
    auto it = f.find(k);
    return it == f.end() ? std::string() : it->second;
  };
  auto i = [&](const char* k) { return static_cast<int64_t>(std::atoll(s(k).c_str())); };
  Connection c;
  c.id = s("id");
  c.owner = s("owner");
  c.method = s("method");
  c.status = s("status");
  c.pending_reason = s("pending_reason");
  c.server_url = s("server_url");
  c.server_id = s("server_id");
  c.server_name = s("server_name");
  c.server_version = s("server_version");
  c.jf_user_id = s("jf_user_id");
  c.jf_user_name = s("jf_user_name");
  c.device_id = s("device_id");
  c.home = s("home") == "1";
  c.last_error_code = s("last_error_code");
  c.last_error = s("last_error");
  c.created_ms = i("created_ms");
  c.last_check_ms = i("last_check_ms");
  c.next_check_ms = i("next_check_ms");
  c.info_checked_ms = i("info_checked_ms");
  c.failures = static_cast<int>(i("failures"));
  c.qc_code = s("qc_code");
  c.qc_expires_ms = i("qc_expires_ms");
  c.token_sealed = s("token");
  c.qc_secret_sealed = s("qc_secret");
  return c;
}

std::string to_json(const Connection& c) {
  auto date = [](int64_t ms) { return timeutil::format_rfc3339(ms * 1000); };
  json::Writer w;
  w.begin_object().kv("id", c.id).kv("method", c.method).kv("status", c.status);
  if (c.status == "pending" && !c.pending_reason.empty()) w.kv("pending_reason", c.pending_reason);
  w.key("server")
      .begin_object()
      .kv("url", c.server_url)
      .kv("id", c.server_id)
      .kv("name", c.server_name)
      .kv("version", c.server_version)
      .end_object();
  w.key("user");
  if (c.jf_user_id.empty()) {
    w.null();
  } else {
    w.begin_object().kv("id", c.jf_user_id).kv("name", c.jf_user_name).end_object();
  }
  w.kv("home", c.home).kv("created_at", date(c.created_ms));
  if (c.last_check_ms)
    w.kv("last_check", date(c.last_check_ms));
  else
    w.kv_null("last_check");
  if (!c.last_error_code.empty())
    w.key("last_error")
        .begin_object()
        .kv("code", c.last_error_code)
        .kv("message", c.last_error)
        .end_object();
  if (c.status == "pending" && c.pending_reason == "approval" && !c.qc_code.empty())
    w.key("quickconnect")
        .begin_object()
        .kv("code", c.qc_code)
        .kv("expires_at", date(c.qc_expires_ms))
        .end_object();
  w.end_object();
  return w.str();
}

}  // namespace jb::auth
