// admin_access.cpp — see admin_access.h.
#include "auth-service/accounts/admin_access.h"

#include "common/core/log.h"
#include "common/core/time.h"
#include "common/jellyfin/user_admin.h"

namespace jb::accounts {

namespace {

const char* const kKey = kAdminConnectionKey;

Error missing(const std::string& why) {
  return Error(errc::admin_connection_missing,
               "Account management needs an admin connection to the home Jellyfin server: " + why,
               503);
}

}  // namespace

void write_admin_state(json::Writer& w, const AdminState& s) {
  w.begin_object().kv("status", s.status);
  if (!s.connection_id.empty())
    w.kv("connection_id", s.connection_id).kv("method", s.method).kv("server_url", s.server_url);
  if (!s.detail.empty()) w.kv("detail", s.detail);
  if (s.checked_ms > 0) w.kv("checked_at", timeutil::format_rfc3339(s.checked_ms * 1000));
  w.end_object();
}

Result<AdminAccess::Credential> AdminAccess::credential() {
  auto r = redis_.command({"HGET", kKey, "connection_id"});
  if (!r.ok()) return r.error();
  if (!r->is_string() || r->str.empty())
    return missing("none is designated (PUT /api/v1/admin/connection).");
  auto c = store_.get(r->str);
  if (!c.ok()) return c.error();
  if (!*c) return missing("the designated connection no longer exists; designate another.");
  if ((*c)->token_sealed.empty())
    return missing("the designated connection has no credential; designate another.");
  auto token = vault_.open((*c)->id, (*c)->token_sealed);
  if (!token.ok()) return token.error();
  return Credential{std::move(**c), std::move(*token)};
}

AdminState AdminAccess::probe(const Credential& c, int64_t now_ms) {
  AdminState s;
  s.connection_id = c.conn.id;
  s.method = c.conn.method;
  s.server_url = c.conn.server_url;
  s.checked_ms = now_ms;
  auto client = jf_.client(c.conn.server_url, c.conn.device_id, c.token);
  auto can = jf::can_administer(client);
  if (can.ok()) {
    s.status = *can ? "ok" : "not_admin";
    if (!*can) s.detail = "Jellyfin does not give this connection the administrator role.";
  } else if (can.error().code == jf::errc::token_rejected) {
    s.status = "expired";
    s.detail = "Jellyfin no longer accepts this connection's token or key.";
  } else {
    s.status = "unreachable";
    s.detail = can.error().message;
  }
  return s;
}

Result<AdminState> AdminAccess::designate(const std::string& owner,
                                          const std::string& connection_id, int64_t now_ms) {
  auto c = store_.get_owned(connection_id, owner);
  if (!c.ok()) return c.error();
  if (!*c)
    return Error(errc::not_found, "You have no connection with id '" + connection_id + "'.", 404);
  if ((*c)->server_url != home_)
    return Error(errc::admin_connection_unsuitable,
                 "The admin connection must be to the home Jellyfin server (" + home_ + ").", 409);
  if ((*c)->token_sealed.empty())
    return Error(errc::admin_connection_unsuitable,
                 "This connection has no credential yet; finish setting it up first.", 409);
  auto token = vault_.open((*c)->id, (*c)->token_sealed);
  if (!token.ok()) return token.error();
  AdminState s = probe(Credential{**c, *token}, now_ms);
  if (s.status == "unreachable")
    return Error(errc::unavailable, "The home Jellyfin server did not answer: " + s.detail, 503);
  if (s.status != "ok")
    return Error(errc::admin_connection_unsuitable,
                 "This connection cannot administer the home server: " + s.detail, 409);
  auto r = redis_.command({"HSET", kKey, "connection_id", connection_id, "owner", owner, "set_ms",
                           std::to_string(now_ms)});
  if (!r.ok()) return r.error();
  std::lock_guard lk(mu_);
  last_ = s;
  return s;
}

Status AdminAccess::clear() {
  auto r = redis_.command({"DEL", kKey});
  if (!r.ok()) return r.error();
  std::lock_guard lk(mu_);
  last_ = AdminState{};
  return Status::Ok();
}

AdminState AdminAccess::check(int64_t now_ms) {
  AdminState s;
  auto c = credential();
  if (c.ok()) {
    s = probe(*c, now_ms);
  } else if (c.error().code == errc::admin_connection_missing) {
    s.checked_ms = now_ms;
    auto r = redis_.command({"HGET", kKey, "connection_id"});
    if (r.ok() && r->is_string() && !r->str.empty()) {
      s.status = "expired";
      s.connection_id = r->str;
      s.detail = c.error().message;
    }
  } else {
    s.status = "unreachable";
    s.detail = c.error().message;
    s.checked_ms = now_ms;
  }
  if (s.status != "ok" && s.status != "none")
    log::warn("the admin connection cannot administer the home server",
              {{"status", s.status}, {"detail", s.detail}});
  std::lock_guard lk(mu_);
  last_ = s;
  return s;
}

AdminState AdminAccess::last() const {
  std::lock_guard lk(mu_);
  return last_;
}

Result<jf::Client> AdminAccess::client() {
  auto c = credential();
  if (!c.ok()) return c.error();
  return jf_.client(c->conn.server_url, c->conn.device_id, c->token);
}

}  // namespace jb::accounts
