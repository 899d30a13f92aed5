// account_handlers.cpp — see account_handlers.h.
#include "auth-service/accounts/account_handlers.h"

#include <algorithm>

#include "auth-service/accounts/account_bodies.h"
#include "auth-service/accounts/admin_guard.h"
#include "auth-service/accounts/display_prefs.h"
#include "auth-service/accounts/invite_send.h"
#include "auth-service/api/io.h"
#include "auth-service/security/email_handlers.h"
#include "common/core/crypto.h"
#include "common/core/log.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/jellyfin/user_admin.h"
#include "common/notify/template_store.h"
#include "common/redis/rate_limiter.h"

namespace jb::accounts {

using auth::AuditEvent;
using auth::AuthContext;
using auth::AuthedHandler;
using auth::fail;
using auth::ok_json;

namespace {

std::string when(int64_t ms) {
  return timeutil::format_rfc3339(ms * 1000);
}

void time_or_null(json::Writer& w, const char* k, int64_t ms) {
  if (ms > 0)
    w.kv(k, when(ms));
  else
    w.kv_null(k);
}

Error refused_error(const std::optional<auth::Refusal>& r) {
  return r->error;
}

// ---- admin connection ----

http::Response get_connection(AccountDeps& d) {
  json::Writer w;
  write_admin_state(w, d.admin->last());
  return ok_json(w.str());
}

http::Response put_connection(AccountDeps& d, http::Request& r, AuthContext& ctx) {
  auto id = parse_admin_connection_body(r);
  if (!id.ok()) return auth::answer(id.problem());
  auto s = d.admin->designate(ctx.session.user.id, *id, timeutil::now_unix_ms());
  std::vector<std::pair<std::string, std::string>> detail{{"connection_id", *id}};
  if (!s.ok()) detail.emplace_back("error", s.error().code);
  auth::audit_best_effort(
      d.audit, admin_event("admin.connection.set", r, ctx, detail, s.ok() ? "ok" : "fail"));
  if (!s.ok()) return fail(s.error());
  json::Writer w;
  write_admin_state(w, *s);
  return ok_json(w.str());
}

// ---- invites ----

http::Response one_invite(AccountDeps& d, const std::string& id) {
  auto inv = d.invites->get(id);
  if (!inv.ok()) return fail(inv.error());
  if (!*inv) return auth::not_found("invite '" + id + "'");
  return ok_json(invite_json(**inv, d.public_url, timeutil::now_unix_ms()));
}

// The invite's profile must exist when one is named.
std::optional<Error> unknown_profile(AccountDeps& d, const InviteSpec& s) {
  if (s.profile_id.empty()) return std::nullopt;
  auto p = d.profiles->get(s.profile_id);
  if (!p.ok()) return p.error();
  if (!*p)
    return Error(errc::invalid_request, "There is no profile with id '" + s.profile_id + "'.", 400);
  return std::nullopt;
}

http::Response create_invite(AccountDeps& d, http::Request& r, AuthContext& ctx) {
  const int64_t now = timeutil::now_unix_ms();
  auto spec = parse_invite_body(r, std::nullopt, now);
  if (!spec.ok()) return auth::answer(spec.problem());
  if (auto e = unknown_profile(d, *spec)) return fail(*e);
  auto inv = d.invites->create(*spec, ctx.session.user.id, now);
  if (!inv.ok()) return fail(inv.error());
  auth::audit_best_effort(d.audit, admin_event("admin.invite.created", r, ctx,
                                               {{"invite_id", inv->id},
                                                {"label", inv->spec.label},
                                                {"max_uses", std::to_string(inv->spec.max_uses)},
                                                {"profile_id", inv->spec.profile_id}}));
  return ok_json(invite_json(*inv, d.public_url, now), 201);
}

http::Response patch_invite(AccountDeps& d, http::Request& r, AuthContext& ctx) {
  const std::string id = r.param("id");
  auto inv = d.invites->get(id);
  if (!inv.ok()) return fail(inv.error());
  if (!*inv) return auth::not_found("invite '" + id + "'");
  auto spec = parse_invite_body(r, (*inv)->spec, timeutil::now_unix_ms());
  if (!spec.ok()) return auth::answer(spec.problem());
  if (auto e = unknown_profile(d, *spec)) return fail(*e);
  if (auto s = d.invites->update(id, *spec); !s.ok()) return fail(s.error());
  auth::audit_best_effort(d.audit,
                          admin_event("admin.invite.updated", r, ctx, {{"invite_id", id}}));
  return one_invite(d, id);
}

http::Response delete_invite(AccountDeps& d, http::Request& r, AuthContext& ctx) {
  const std::string id = r.param("id");
  auto gone = d.invites->remove(id);
  if (!gone.ok()) return fail(gone.error());
  if (!*gone) return auth::not_found("invite '" + id + "'");
  auth::audit_best_effort(d.audit,
                          admin_event("admin.invite.deleted", r, ctx, {{"invite_id", id}}));
  return http::Response::no_content();
}

// ---- profiles ----

http::Response create_profile(AccountDeps& d, http::Request& r, AuthContext& ctx) {
  auto body = parse_profile_body(r);
  if (!body.ok()) return auth::answer(body.problem());
  auto client = d.admin->client();
  if (!client.ok()) return fail(client.error());
  auto user = jf::user_dto(*client, body->template_user_id);
  if (!user.ok()) {
    if (user.error().code == jf::errc::not_found || user.error().code == jf::errc::bad_request)
      return fail(Error(errc::invalid_request,
                        "The home server has no user with id '" + body->template_user_id + "'.",
                        400));
    return fail(user.error());
  }
  const json::Value* policy = json::member(*user, "Policy");
  if (!policy || !policy->IsObject())
    return fail(Error(jf::errc::not_jellyfin, "The template user has no policy.", 502));
  Profile p;
  p.name = body->name;
  p.policy = json::stringify(*policy);
  if (body->configuration)
    if (const json::Value* c = json::member(*user, "Configuration"); c && c->IsObject())
      p.configuration = json::stringify(*c);
  if (body->display_preferences) {
    auto prefs = get_display_preferences(*client, body->template_user_id);
    if (!prefs.ok()) return fail(prefs.error());
    p.display_preferences = *prefs;
  }
  p.source_id = body->template_user_id;
  p.source_name = json::get_string(*user, "Name");
  p.created_by = ctx.session.user.id;
  if (auto libs = client->media_folders(); libs.ok())
    for (const auto& l : *libs) p.libraries[l.id] = l.name;
  auto made = d.profiles->create(std::move(p), timeutil::now_unix_ms());
  if (!made.ok()) return fail(made.error());
  if (body->make_default && !made->is_default) {
    if (auto s = d.profiles->make_default(made->id); !s.ok()) return fail(s.error());
    made->is_default = true;
  }
  auth::audit_best_effort(d.audit, admin_event("admin.profile.created", r, ctx,
                                               {{"profile_id", made->id},
                                                {"name", made->name},
                                                {"template_user", made->source_name}}));
  return ok_json(profile_json(*made), 201);
}

http::Response patch_profile(AccountDeps& d, http::Request& r, AuthContext& ctx) {
  const std::string id = r.param("id");
  auto body = parse_profile_patch(r);
  if (!body.ok()) return auth::answer(body.problem());
  auto p = d.profiles->get(id);
  if (!p.ok()) return fail(p.error());
  if (!*p) return auth::not_found("profile '" + id + "'");
  if (body->name)
    if (auto s = d.profiles->rename(id, *body->name); !s.ok()) return fail(s.error());
  if (body->make_default)
    if (auto s = d.profiles->make_default(id); !s.ok()) return fail(s.error());
  auth::audit_best_effort(d.audit,
                          admin_event("admin.profile.updated", r, ctx, {{"profile_id", id}}));
  auto now = d.profiles->get(id);
  if (!now.ok()) return fail(now.error());
  if (!*now) return auth::not_found("profile '" + id + "'");
  return ok_json(profile_json(**now));
}

// ---- users ----

std::string jellyfin_date(const json::Value& u, const char* key) {
  auto t = timeutil::parse_iso8601(json::get_string(u, key));
  return t ? timeutil::format_rfc3339(*t) : std::string();
}

http::Response list_users(AccountDeps& d) {
  auto client = d.admin->client();
  if (!client.ok()) return fail(client.error());
  auto users = client->get_json("/Users");
  if (!users.ok()) return fail(users.error());
  if (!users->IsArray())
    return fail(Error(jf::errc::not_jellyfin, "The home server's user list is not a list.", 502));
  std::vector<RedisArgv> records;
  for (const auto& u : users->GetArray())
    records.push_back({"HGETALL", account_record_key(json::get_string(u, "Id"))});
  std::vector<RedisReply> found;
  if (d.redis != nullptr && !records.empty()) {
    auto r = d.redis->pipeline(records);
    if (!r.ok()) return fail(r.error());
    found = std::move(*r);
  }
  json::Writer w;
  w.begin_object().key("users").begin_array();
  size_t i = 0;
  for (const auto& u : users->GetArray()) {
    const std::string id = json::get_string(u, "Id");
    const json::Value* policy = json::member(u, "Policy");
    json::Value none(rapidjson::kObjectType);
    const json::Value& pol = policy && policy->IsObject() ? *policy : none;
    w.begin_object()
        .kv("id", id)
        .kv("name", json::get_string(u, "Name"))
        .kv("administrator", json::get_bool(pol, "IsAdministrator"))
        .kv("disabled", json::get_bool(pol, "IsDisabled"));
    for (const auto& [k, name] : {std::pair{"LastLoginDate", "last_login"},
                                  std::pair{"LastActivityDate", "last_activity"}}) {
      const std::string t = jellyfin_date(u, k);
      if (t.empty())
        w.kv_null(name);
      else
        w.kv(name, t);
    }
    auto rec = i < found.size() ? found[i].as_map() : std::map<std::string, std::string>{};
    ++i;
    int64_t expires = 0;
    if (!text::parse_int64(rec["expires"], expires)) expires = 0;
    time_or_null(w, "expires_at", expires);
    if (rec["invite"].empty())
      w.kv_null("invite_id");
    else
      w.kv("invite_id", rec["invite"]);
    if (d.emails != nullptr) {
      auto e = d.emails->get(id);
      if (e.ok() && *e)
        w.key("email")
            .begin_object()
            .kv("address", (*e)->address)
            .kv("confirmed", (*e)->confirmed)
            .end_object();
      else
        w.kv_null("email");
    }
    if (d.totp != nullptr && d.passkeys != nullptr) {
      auto totp = d.totp->enabled(id);
      auto keys = d.passkeys->counts(id);
      w.key("second_factor")
          .begin_object()
          .kv("totp", totp.ok() && *totp)
          .kv("passkeys", keys.ok() ? keys->count : 0)
          .end_object();
    }
    w.end_object();
  }
  w.end_array().end_object();
  return ok_json(w.str());
}

}  // namespace

std::string password_rules_json(const PasswordRules& r) {
  json::Writer w;
  w.begin_object()
      .kv("min_length", r.min_length)
      .kv("max_length", r.max_length)
      .kv("min_upper", r.min_upper)
      .kv("min_lower", r.min_lower)
      .kv("min_digit", r.min_digit)
      .kv("min_symbol", r.min_symbol)
      .kv("common_passwords_refused", r.check_common)
      .end_object();
  return w.str();
}

namespace {

// ---- public sign-up ----

// The invite a public caller names; an unknown code is audited (probing).
Result<Invite> invite_by_code(AccountDeps& d, const std::string& code, const std::string& ip) {
  auto inv = d.invites->find_by_code(code);
  if (!inv.ok()) return inv.error();
  if (*inv) return std::move(**inv);
  auth::audit_best_effort(d.audit, AuditEvent{"signup.invite_unknown", "", "", "", ip, "fail", {}});
  return Error(errc::invite_unknown, "No invite has this code; check the link you were sent.", 404);
}

http::Response public_invite(AccountDeps& d, http::Request& r) {
  auto inv = invite_by_code(d, r.param("code"), r.client_ip);
  if (!inv.ok()) return fail(inv.error());
  const Invite& i = *inv;
  const int64_t now = timeutil::now_unix_ms();
  const std::string why = invite_unusable(i, now);
  json::Writer w;
  w.begin_object().kv("valid", why.empty());
  if (!why.empty()) w.kv("reason", why);
  w.kv("label", i.spec.label);
  time_or_null(w, "expires_at", i.spec.expires_ms);
  if (i.spec.max_uses >= 0)
    w.kv("uses_left", std::max<int64_t>(0, i.spec.max_uses - i.uses - i.holds));
  else
    w.kv_null("uses_left");
  w.kv("human_check", i.spec.human_check);
  w.kv("require_email", i.spec.require_email);
  if (i.spec.account_days > 0)
    w.kv("account_days", i.spec.account_days);
  else
    w.kv_null("account_days");
  w.key("password_rules").raw(password_rules_json(d.signup->rules()));
  w.end_object();
  return ok_json(w.str());
}

http::Response challenge(AccountDeps& d) {
  if (d.human == nullptr)
    return fail(Error(errc::unavailable, "The human check is not available.", 503));
  auto c = d.human->issue(timeutil::now_unix_s());
  return ok_json(pow_challenge_json(c));
}

http::Response contact(AccountDeps& d, http::Request& r) {
  auto body = parse_contact_body(r);
  if (!body.ok()) return auth::answer(body.problem());
  auto inv = invite_by_code(d, body->code, r.client_ip);
  if (!inv.ok()) return fail(inv.error());
  const int64_t now = d.now_ms ? d.now_ms() : timeutil::now_unix_ms();
  const std::string why = invite_unusable(*inv, timeutil::now_unix_ms());
  if (why == "expired")
    return fail(Error(errc::invite_expired, "This invite has expired; ask for a new one.", 410));
  if (why == "used_up")
    return fail(Error(errc::invite_used_up, "Every use of this invite has been taken.", 409));
  if (d.smtp == nullptr || d.contacts == nullptr)
    return fail(Error(errc::email_not_available,
                      "Email addresses cannot be confirmed here: the server has no mail server.",
                      503));
  if (d.guard != nullptr) {  // per (invite, address) and per recipient (edge/signin_guard.h)
    auto refused = d.guard->admit_email(
        r.client_ip, "invite:" + inv->id + ":" + crypto::sha256_hex(text::to_lower(body->email)),
        body->email);
    if (!refused.ok()) return fail(refused.error());
    if (*refused) return fail(refused_error(*refused));
  }
  if (d.redis != nullptr) {  // and a ceiling per invite (JB_SIGNUP_CONTACT_INVITE_*)
    RateLimiter limiter(*d.redis);
    auto taken = limiter.take("signup_contact_invite", inv->id, d.signup_contact_invite);
    if (!taken.ok()) return fail(taken.error());
    if (!taken->allowed) return fail(auth::rate_limited_error(taken->retry_after_ms));
  }
  auto token = d.contacts->create(inv->id, body->email, now);
  if (!token.ok()) return fail(token.error());
  // The admins' "confirmation" template (common/notify/templates.h), else the default.
  const msg::Template t = d.redis != nullptr ? msg::effective_template(*d.redis, "confirmation").t
                                             : msg::default_template("confirmation");
  const msg::Rendered out = msg::render(
      t, {{"link", d.public_url + "/#/signup/" + body->code + "/" + *token}}, d.server_name);
  MailMessage m;
  m.to = body->email;
  m.subject = out.subject;
  m.body = out.text;
  m.html = out.html;
  auto sent = d.smtp->send(m);
  std::vector<std::pair<std::string, std::string>> detail{{"invite_id", inv->id},
                                                          {"email", masked_mail_addr(body->email)}};
  if (!sent.ok()) detail.emplace_back("error", sent.error().code);
  auth::audit_best_effort(d.audit, AuditEvent{"signup.contact", "", "", "", r.client_ip,
                                              sent.ok() ? "ok" : "fail", detail});
  if (!sent.ok())
    return fail(
        Error(errc::email_send_failed,
              "The confirmation could not be sent: the mail server failed. Try again later.", 502));
  json::Writer w;
  w.begin_object()
      .kv("detail", "A link to confirm " + masked_mail_addr(body->email) +
                        " is on its way. It works once, for 30 minutes.")
      .end_object();
  return ok_json(w.str(), 202);
}

http::Response sign_up(AccountDeps& d, http::Request& r) {
  auto body = parse_signup_body(r);
  if (!body.ok()) {
    auth::audit_best_effort(
        d.audit, AuditEvent{"signup.failed",
                            "",
                            "",
                            "",
                            r.client_ip,
                            "fail",
                            {{"step", "request"}, {"error", body.problem().error.code}}});
    return auth::answer(body.problem());
  }
  if (d.guard != nullptr) {
    auto refused = d.guard->admit_signup(r.client_ip);
    if (!refused.ok()) return fail(refused.error());
    if (*refused) {
      auth::audit_best_effort(d.audit,
                              AuditEvent{"signup.failed",
                                         "",
                                         body->user_name,
                                         "",
                                         r.client_ip,
                                         "fail",
                                         {{"step", "rate_limit"}, {"reason", (*refused)->reason}}});
      return fail(refused_error(*refused));
    }
  }
  SignUpRequest req{body->code, body->user_name, body->password, body->human_check,
                    body->contact_token};
  auto out = d.signup->sign_up(req, timeutil::now_unix_ms());
  if (auto* f = std::get_if<SignUpFailure>(&out)) {
    auth::audit_best_effort(
        d.audit,
        AuditEvent{"signup.failed",
                   "",
                   body->user_name,
                   "",
                   r.client_ip,
                   "fail",
                   {{"step", f->step}, {"error", f->error.code}, {"invite_id", f->invite_id}}});
    return fail(f->error);
  }
  const auto& ok = std::get<SignUpResult>(out);
  auth::audit_best_effort(d.audit,
                          AuditEvent{"signup.completed",
                                     ok.user_id,
                                     ok.user_name,
                                     "",
                                     r.client_ip,
                                     "ok",
                                     {{"invite_id", ok.invite_id}, {"profile_id", ok.profile_id}}});
  json::Writer w;
  w.begin_object().key("user").begin_object().kv("id", ok.user_id).kv("name", ok.user_name);
  w.end_object();
  time_or_null(w, "expires_at", ok.expires_ms);
  w.end_object();
  return ok_json(w.str(), 201);
}

}  // namespace

std::string invite_json(const Invite& inv, const std::string& public_url, int64_t now_ms) {
  json::Writer w;
  w.begin_object().kv("id", inv.id).kv("code", inv.code);
  if (!public_url.empty() && !inv.code.empty())
    w.kv("link", public_url + "/#/signup/" + inv.code);
  else
    w.kv_null("link");
  w.kv("label", inv.spec.label);
  const std::string why = invite_unusable(inv, now_ms);
  w.kv("state", why.empty() ? std::string("active") : why);
  time_or_null(w, "expires_at", inv.spec.expires_ms);
  if (inv.spec.max_uses >= 0)
    w.kv("max_uses", inv.spec.max_uses);
  else
    w.kv_null("max_uses");
  w.kv("uses", inv.uses).kv("holds", inv.holds);
  if (inv.spec.profile_id.empty())
    w.kv_null("profile_id");
  else
    w.kv("profile_id", inv.spec.profile_id);
  if (inv.spec.account_days > 0)
    w.kv("account_days", inv.spec.account_days);
  else
    w.kv_null("account_days");
  w.kv("human_check", inv.spec.human_check);
  w.kv("require_email", inv.spec.require_email);
  w.key("notify").begin_array();
  for (const auto& id : inv.spec.notify) w.value(id);
  w.end_array();
  w.kv("created_at", when(inv.created_ms)).kv("created_by", inv.created_by);
  w.key("used_by").begin_array();
  for (const auto& u : inv.used_by)
    w.begin_object()
        .kv("user_id", u.user_id)
        .kv("user_name", u.user_name)
        .kv("at", when(u.at_ms))
        .end_object();
  w.end_array().end_object();
  return w.str();
}

std::string profile_json(const Profile& p) {
  json::Writer w;
  w.begin_object()
      .kv("id", p.id)
      .kv("name", p.name)
      .kv("default", p.is_default)
      .key("template_user")
      .begin_object()
      .kv("id", p.source_id)
      .kv("name", p.source_name)
      .end_object()
      .kv("has_configuration", !p.configuration.empty())
      .kv("has_display_preferences", !p.display_preferences.empty())
      .kv("created_at", when(p.created_ms))
      .key("summary");
  profile_summary(w, p);
  w.end_object();
  return w.str();
}

void register_account_routes(http::Server& server, AccountDeps& deps) {
  AccountDeps& d = deps;
  server.route("GET", "/api/v1/admin/connection",
               admins_only(*d.auth, d.audit,
                           [&d](http::Request&, AuthContext&) { return get_connection(d); }));
  server.route("PUT", "/api/v1/admin/connection",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return put_connection(d, r, ctx);
               }));
  server.route("DELETE", "/api/v1/admin/connection",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 if (auto s = d.admin->clear(); !s.ok()) return fail(s.error());
                 auth::audit_best_effort(d.audit,
                                         admin_event("admin.connection.cleared", r, ctx, {}));
                 return http::Response::no_content();
               }));

  server.route("GET", "/api/v1/admin/invites",
               admins_only(*d.auth, d.audit, [&d](http::Request&, AuthContext&) {
                 auto list = d.invites->list();
                 if (!list.ok()) return fail(list.error());
                 const int64_t now = timeutil::now_unix_ms();
                 std::string body = "{\"invites\":[";
                 for (size_t i = 0; i < list->size(); ++i)
                   body += (i ? "," : "") + invite_json((*list)[i], d.public_url, now);
                 return ok_json(body + "]}");
               }));
  server.route("POST", "/api/v1/admin/invites",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return create_invite(d, r, ctx);
               }));
  server.route("GET", "/api/v1/admin/invites/{id}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext&) {
                 return one_invite(d, r.param("id"));
               }));
  server.route("PATCH", "/api/v1/admin/invites/{id}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return patch_invite(d, r, ctx);
               }));
  server.route("DELETE", "/api/v1/admin/invites/{id}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return delete_invite(d, r, ctx);
               }));

  server.route("GET", "/api/v1/admin/profiles",
               admins_only(*d.auth, d.audit, [&d](http::Request&, AuthContext&) {
                 auto list = d.profiles->list();
                 if (!list.ok()) return fail(list.error());
                 std::string body = "{\"profiles\":[";
                 for (size_t i = 0; i < list->size(); ++i)
                   body += (i ? "," : "") + profile_json((*list)[i]);
                 return ok_json(body + "]}");
               }));
  server.route("POST", "/api/v1/admin/profiles",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return create_profile(d, r, ctx);
               }));
  server.route("GET", "/api/v1/admin/profiles/{id}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext&) {
                 auto p = d.profiles->get(r.param("id"));
                 if (!p.ok()) return fail(p.error());
                 if (!*p) return auth::not_found("profile '" + r.param("id") + "'");
                 return ok_json(profile_json(**p));
               }));
  server.route("PATCH", "/api/v1/admin/profiles/{id}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return patch_profile(d, r, ctx);
               }));
  server.route("DELETE", "/api/v1/admin/profiles/{id}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 auto gone = d.profiles->remove(r.param("id"));
                 if (!gone.ok()) return fail(gone.error());
                 if (!*gone) return auth::not_found("profile '" + r.param("id") + "'");
                 auth::audit_best_effort(d.audit, admin_event("admin.profile.deleted", r, ctx,
                                                              {{"profile_id", r.param("id")}}));
                 return http::Response::no_content();
               }));

  server.route(
      "GET", "/api/v1/admin/users",
      admins_only(*d.auth, d.audit, [&d](http::Request&, AuthContext&) { return list_users(d); }));

  server.route("GET", "/api/v1/signup/invites/{code}",
               [&d](http::Request& r) { return public_invite(d, r); });
  server.route("POST", "/api/v1/signup/challenge", [&d](http::Request&) { return challenge(d); });
  server.route("POST", "/api/v1/signup", [&d](http::Request& r) { return sign_up(d, r); });
  server.route("POST", "/api/v1/signup/contact", [&d](http::Request& r) { return contact(d, r); });
  register_invite_send_route(server, d);
}

}  // namespace jb::accounts
