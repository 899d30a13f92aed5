// expiry_handlers.cpp — see expiry_handlers.h.
#include "auth-service/accounts/expiry_handlers.h"

#include "auth-service/accounts/admin_guard.h"
#include "common/accounts/account_record.h"
#include "common/core/time.h"
#include "common/jellyfin/user_admin.h"
#include "common/notify/message.h"

namespace jb::accounts {

using auth::AuthContext;
using auth::body_problem;
using auth::fail;
using auth::ok_json;
using auth::read_json_body;

auth::BodyResult<ExpiryChange> parse_expiry_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  f.reject_unknown({"expires_at", "extend_days"});
  ExpiryChange c;
  const json::Value* at = json::member(*body, "expires_at");
  const bool extend = json::member(*body, "extend_days") != nullptr;
  if ((at != nullptr) == extend)
    f.add_problem("expires_at", "give exactly one of expires_at and extend_days");
  if (at != nullptr) {
    if (at->IsNull()) {
      c.expires_ms = 0;
    } else if (auto t = f.string("expires_at", false, 64)) {
      auto us = timeutil::parse_iso8601(*t);
      if (!us || *us <= 0)
        f.add_problem("expires_at", "must be an RFC 3339 time such as 2027-01-31T18:00:00Z");
      else
        c.expires_ms = *us / 1000;
    }
  }
  if (extend) {
    if (auto d = f.integer("extend_days", false, 1, 36500)) c.extend_days = *d;
  }
  if (!f.ok()) return body_problem(f);
  return c;
}

int64_t changed_expiry(const ExpiryChange& c, int64_t previous_ms, int64_t now_ms) {
  if (c.expires_ms) return *c.expires_ms;
  return extended_expiry(previous_ms, now_ms, c.extend_days * 86400000);
}

Result<int64_t> change_expiry(RedisPool& redis, const std::string& user_id,
                              const std::string& user_name, const ExpiryChange& c, int64_t now_ms) {
  auto rec = read_account(redis, user_id);
  if (!rec.ok()) return rec.error();
  const int64_t next = changed_expiry(c, rec->expires_ms, now_ms);
  if (auto s = set_expiry(redis, user_id, next, user_name); !s.ok()) return s.error();
  msg::Message m;
  m.kind = "expiry_changed";
  m.user_id = user_id;
  m.user_name = user_name;
  m.vars.emplace_back("expires_at", next > 0 ? timeutil::format_rfc3339(next * 1000) : "never");
  m.vars.emplace_back("previous_expires_at", rec->expires_ms > 0
                                                 ? timeutil::format_rfc3339(rec->expires_ms * 1000)
                                                 : "never");
  m.dedupe = "expiry_changed:" + user_id + ":" + std::to_string(next);
  auto conn = redis.acquire();
  if (auto r = msg::enqueue(*conn, m); !r.ok()) return r.error();
  return next;
}

namespace {

http::Response put_expiry(AccountDeps& d, http::Request& r, AuthContext& ctx) {
  const std::string id = r.param("id");
  auto change = parse_expiry_body(r);
  if (!change.ok()) return auth::answer(change.problem());
  auto client = d.admin->client();
  if (!client.ok()) return fail(client.error());
  auto user = jf::user_dto(*client, id);
  if (!user.ok()) {
    if (user.error().code == jf::errc::not_found) return auth::not_found("user '" + id + "'");
    return fail(user.error());
  }
  const std::string name = json::get_string(*user, "Name");
  const int64_t now = d.now_ms ? d.now_ms() : timeutil::now_unix_ms();
  auto next = change_expiry(*d.redis, id, name, *change, now);
  std::vector<std::pair<std::string, std::string>> detail{{"user_id", id}, {"user_name", name}};
  if (next.ok())
    detail.emplace_back("expires_at", *next > 0 ? timeutil::format_rfc3339(*next * 1000) : "never");
  else
    detail.emplace_back("error", next.error().code);
  auth::audit_best_effort(
      d.audit, admin_event("admin.expiry_set", r, ctx, detail, next.ok() ? "ok" : "fail"));
  if (!next.ok()) return fail(next.error());
  json::Writer w;
  w.begin_object().kv("user_id", id);
  if (*next > 0)
    w.kv("expires_at", timeutil::format_rfc3339(*next * 1000));
  else
    w.kv_null("expires_at");
  w.end_object();
  return ok_json(w.str());
}

}  // namespace

void register_expiry_routes(http::Server& server, AccountDeps& deps) {
  AccountDeps& d = deps;
  server.route("PUT", "/api/v1/admin/users/{id}/expiry",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return put_expiry(d, r, ctx);
               }));
}

}  // namespace jb::accounts
