// reset_handlers.cpp — see reset_handlers.h.
#include "auth-service/accounts/reset_handlers.h"

#include <chrono>
#include <thread>

#include "auth-service/accounts/account_handlers.h"
#include "auth-service/accounts/admin_guard.h"
#include "auth-service/accounts/user_name.h"
#include "auth-service/api/io.h"
#include "common/core/log.h"
#include "common/core/time.h"
#include "common/jellyfin/user_admin.h"
#include "common/notify/template_store.h"

namespace jb::accounts {

using auth::AuditEvent;
using auth::fail;
using auth::ok_json;

namespace {

std::string link_for(const ResetDeps& d, const std::string& token) {
  return d.public_url + "/#/reset/" + token;
}

// Emails the link; false when there is no mail server or no confirmed address.
bool send_link(ResetDeps& d, const std::string& uid, const std::string& name,
               const std::string& token) {
  if (d.smtp == nullptr || d.emails == nullptr) return false;
  auto email = d.emails->get(uid);
  if (!email.ok() || !*email || !(*email)->confirmed) return false;
  // The admins' "reset" template (common/notify/templates.h), else the default.
  const msg::Template t = d.templates != nullptr ? msg::effective_template(*d.templates, "reset").t
                                                 : msg::default_template("reset");
  const msg::Rendered out =
      msg::render(t, {{"user_name", name}, {"link", link_for(d, token)}}, d.server_name);
  MailMessage m;
  m.to = (*email)->address;
  m.subject = out.subject;
  m.body = out.text;
  m.html = out.html;
  auto sent = d.smtp->send(m);
  if (!sent.ok()) {
    log::warn("a password-reset email was not sent", {{"error", sent.error().message}});
    return false;
  }
  return true;
}

// The lookup and the email of a public request (on a worker thread).
void deliver(ResetDeps& d, const std::string& asked, const std::string& ip) {
  std::string uid, name;
  auto client = d.admin->client();
  if (!client.ok()) {
    log::warn("a password reset could not look the account up",
              {{"error", client.error().message}});
    return;
  }
  if (asked.find('@') != std::string::npos) {
    auto owner = d.emails != nullptr ? d.emails->owner_of(asked)
                                     : Result<std::optional<std::string>>(std::nullopt);
    if (owner.ok() && *owner) {
      auto u = client->user(**owner);
      if (u.ok()) {
        uid = u->id;
        name = u->name;
      }
    }
  } else if (auto key = user_name_key(asked); key.ok()) {
    auto users = client->users();
    if (users.ok())
      for (const auto& u : *users)
        if (auto k = user_name_key(u.name); k.ok() && *k == *key) {
          uid = u.id;
          name = u.name;
        }
  }
  bool sent = false;
  if (!uid.empty()) {
    auto token = d.resets->create(uid, name, d.now_ms());
    if (token.ok()) sent = send_link(d, uid, name, *token);
  }
  auth::audit_best_effort(d.audit, AuditEvent{"reset.requested",
                                              uid,
                                              uid.empty() ? asked.substr(0, 64) : name,
                                              "",
                                              ip,
                                              "info",
                                              {{"matched", uid.empty() ? "no" : "yes"},
                                               {"sent", sent ? "yes" : "no"}}});
}

http::Response request_reset(ResetDeps& d, http::Request& r) {
  const int64_t started = timeutil::monotonic_ms();
  auto body = auth::read_json_body(r);
  if (!body.ok()) return fail(body.error());
  json::Fields f(*body);
  f.reject_unknown({"user"});
  auto asked = f.string("user", true, 256);
  if (asked && asked->empty()) f.add_problem("user", "must not be empty");
  if (!f.ok()) return auth::invalid_fields(f);
  if (d.guard != nullptr) {
    auto refused = d.guard->admit_reset(r.client_ip, *asked);
    if (!refused.ok()) return fail(refused.error());
    if (*refused) {
      auth::audit_best_effort(d.audit, AuditEvent{"reset.requested",
                                                  "",
                                                  asked->substr(0, 64),
                                                  "",
                                                  r.client_ip,
                                                  "fail",
                                                  {{"reason", (*refused)->reason}}});
      return fail((*refused)->error);
    }
  }
  std::string who = *asked, ip = r.client_ip;
  if (d.pool == nullptr || !d.pool->submit([&d, who, ip] { deliver(d, who, ip); }))
    log::warn("a password reset was dropped: the worker queue is full");
  const int64_t wait = d.answer_ms - (timeutil::monotonic_ms() - started);
  if (wait > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  return ok_json(
      R"({"detail":"If an account matches and has a confirmed email address, a link to set a new password is on its way. It works once, for 30 minutes."})",
      202);
}

http::Response view_link(ResetDeps& d, http::Request& r) {
  auto link = d.resets->peek(r.param("token"), d.now_ms());
  if (!link.ok()) return fail(link.error());
  json::Writer w;
  w.begin_object()
      .kv("user_name", link->detail)
      .kv("expires_at", timeutil::format_rfc3339(link->expires_ms * 1000))
      .key("password_rules")
      .raw(password_rules_json(d.rules))
      .end_object();
  return ok_json(w.str());
}

http::Response complete(ResetDeps& d, http::Request& r) {
  const std::string token = r.param("token");
  auto body = auth::read_json_body(r);
  if (!body.ok()) return fail(body.error());
  json::Fields f(*body);
  f.reject_unknown({"password"});
  auto password = f.string("password", true, 4096);
  if (!f.ok()) return auth::invalid_fields(f);
  auto failed = [&](const Error& e, const std::string& uid, const std::string& name) {
    auth::audit_best_effort(
        d.audit,
        AuditEvent{"reset.failed", uid, name, "", r.client_ip, "fail", {{"error", e.code}}});
    return fail(e);
  };
  const int64_t now = d.now_ms();
  auto link = d.resets->peek(token, now);
  if (!link.ok()) return failed(link.error(), "", "");
  if (auto ok = check_password(*password, d.rules, link->detail); !ok.ok())
    return failed(ok.error(), link->subject, link->detail);
  auto taken = d.resets->take(token, now);
  if (!taken.ok()) return failed(taken.error(), link->subject, link->detail);
  auto client = d.admin->client();
  Status set = client.ok() ? jf::set_user_password(*client, taken->subject, *password)
                           : Status(client.error());
  if (!set.ok()) {
    log::best_effort(d.resets->put_back(token, *taken), "reset link put back");
    return failed(set.error(), taken->subject, taken->detail);
  }
  if (d.sessions != nullptr)
    log::best_effort(d.sessions->revoke_all(taken->subject), "sessions revoked after a reset");
  auth::audit_best_effort(
      d.audit,
      AuditEvent{"reset.completed", taken->subject, taken->detail, "", r.client_ip, "ok", {}});
  json::Writer w;
  w.begin_object()
      .key("user")
      .begin_object()
      .kv("id", taken->subject)
      .kv("name", taken->detail)
      .end_object()
      .end_object();
  return ok_json(w.str());
}

http::Response admin_link(ResetDeps& d, http::Request& r, auth::AuthContext& ctx) {
  const std::string uid = r.param("id");
  auto body = auth::read_json_body(r, true);
  if (!body.ok()) return fail(body.error());
  json::Fields f(*body);
  f.reject_unknown({"send"});
  const bool send = f.boolean("send", false).value_or(true);
  if (!f.ok()) return auth::invalid_fields(f);
  auto client = d.admin->client();
  if (!client.ok()) return fail(client.error());
  auto user = client->user(uid);
  if (!user.ok()) {
    if (user.error().code == jf::errc::not_found || user.error().code == jf::errc::bad_request)
      return auth::not_found("user '" + uid + "'");
    return fail(user.error());
  }
  auto token = d.resets->create(user->id, user->name, d.now_ms());
  if (!token.ok()) return fail(token.error());
  const bool sent = send && send_link(d, user->id, user->name, *token);
  auth::audit_best_effort(d.audit,
                          admin_event("admin.reset_link", r, ctx,
                                      {{"user_id", user->id}, {"sent", sent ? "yes" : "no"}}));
  json::Writer w;
  w.begin_object().kv("sent", sent);
  if (sent)
    w.kv_null("link");
  else
    w.kv("link", link_for(d, *token));
  w.end_object();
  return ok_json(w.str());
}

}  // namespace

void register_reset_routes(http::Server& server, ResetDeps& deps) {
  ResetDeps& d = deps;
  server.route("POST", "/api/v1/reset", [&d](http::Request& r) { return request_reset(d, r); });
  server.route("GET", "/api/v1/reset/{token}", [&d](http::Request& r) { return view_link(d, r); });
  server.route("POST", "/api/v1/reset/{token}", [&d](http::Request& r) { return complete(d, r); });
  server.route("POST", "/api/v1/admin/users/{id}/reset-link",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, auth::AuthContext& ctx) {
                 return admin_link(d, r, ctx);
               }));
}

}  // namespace jb::accounts
