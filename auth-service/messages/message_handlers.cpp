// message_handlers.cpp — see message_handlers.h.
#include "auth-service/messages/message_handlers.h"

#include "auth-service/accounts/admin_guard.h"
#include "auth-service/api/io.h"
#include "common/core/time.h"
#include "common/notify/delivery_queue.h"
#include "common/notify/message.h"
#include "common/notify/template_store.h"

namespace jb::auth {

namespace {

using accounts::admin_event;
using accounts::admins_only;

void channel_json(json::Writer& w, const std::string& type,
                  const std::optional<MessageChannel>& c) {
  w.begin_object().kv("type", type).kv("configured", c.has_value());
  if (c) {
    w.kv("enabled", c->enabled).kv("has_secret", c->has_secret);
    if (type == "telegram") w.kv("api_url", c->url.empty() ? msg::kTelegramApi : c->url);
    if (type == "matrix") w.kv("homeserver_url", c->url);
    if (type == "webhook") w.kv("url", c->url);
    if (type == "discord") {
      w.key("kinds").begin_array();
      if (c->kinds.empty()) w.value("announcement");
      for (const auto& k : c->kinds) w.value(k);
      w.end_array();
    }
    w.kv("updated_at", timeutil::format_rfc3339(c->updated_ms * 1000));
  } else {
    w.kv("enabled", type == "email");  // email is on until an admin turns it off
  }
  w.end_object();
}

void template_json(json::Writer& w, const std::string& kind, const msg::StoredTemplate& t) {
  w.begin_object()
      .kv("kind", kind)
      .kv("subject", t.t.subject)
      .kv("body", t.t.body)
      .kv("custom", t.custom);
  if (t.custom)
    w.kv("updated_at", timeutil::format_rfc3339(t.updated_ms * 1000));
  else
    w.kv_null("updated_at");
  w.key("variables").begin_array();
  for (const auto& v : msg::template_variables(kind)) w.value(v);
  w.end_array().end_object();
}

BodyResult<msg::ChannelSettings> parse_channel(const http::Request& r, const std::string& type,
                                               bool has_secret) {
  auto d = read_json_body(r);
  if (!d.ok()) return body_problem(d.error());
  json::Fields f(*d);
  msg::ChannelSettings s;
  s.type = type;
  const char* url_field = type == "telegram"  ? "api_url"
                          : type == "matrix"  ? "homeserver_url"
                          : type == "webhook" ? "url"
                                              : nullptr;
  const char* secret_field = type == "telegram"  ? "bot_token"
                             : type == "matrix"  ? "access_token"
                             : type == "webhook" ? "secret"
                             : type == "discord" ? "webhook_url"
                                                 : nullptr;
  std::vector<std::string_view> allowed{"enabled"};
  if (url_field) allowed.push_back(url_field);
  if (secret_field) allowed.push_back(secret_field);
  if (type == "discord") allowed.push_back("kinds");
  f.reject_unknown(allowed);
  s.enabled = f.boolean("enabled", false).value_or(true);
  if (url_field) s.url = f.string(url_field, false, 2048).value_or("");
  if (secret_field) s.secret = f.string(secret_field, false, 2048).value_or("");
  if (const json::Value* k = f.array("kinds", false)) {
    for (const auto& e : k->GetArray()) {
      if (!e.IsString()) {
        f.add_problem("kinds", "must be an array of message kinds");
        break;
      }
      s.kinds.emplace_back(e.GetString());
    }
  }
  if (!f.ok()) return body_problem(f);
  for (auto& [field, problem] : msg::validate_channel(s, has_secret)) f.add_problem(field, problem);
  if (!f.ok()) return body_problem(f);
  return s;
}

BodyResult<msg::Template> parse_template(const http::Request& r, const std::string& kind,
                                         bool allow_empty) {
  auto d = read_json_body(r, allow_empty);
  if (!d.ok()) return body_problem(d.error());
  json::Fields f(*d);
  f.reject_unknown({"subject", "body"});
  msg::Template t;
  t.subject = f.string("subject", !allow_empty, 1000).value_or("");
  t.body = f.string("body", !allow_empty, 40000).value_or("");
  if (!f.ok()) return body_problem(f);
  if (allow_empty && t.subject.empty() && t.body.empty()) return t;
  for (auto& [field, problem] : msg::validate_template(kind, t)) f.add_problem(field, problem);
  if (!f.ok()) return body_problem(f);
  return t;
}

http::Response put_channel(MessageDeps& d, http::Request& r, AuthContext& ctx) {
  const std::string type = r.param("type");
  if (!msg::is_channel_type(type)) return not_found("No message channel type '" + type + "'.");
  auto old = d.channels->get(type);
  if (!old.ok()) return fail(old.error());
  auto s = parse_channel(r, type, *old && (*old)->has_secret);
  if (!s.ok()) return answer(s.problem());
  auto c = d.channels->put(*s);
  if (!c.ok()) return fail(c.error());
  audit_best_effort(d.audit, admin_event("admin.messages.channel.set", r, ctx,
                                         {{"channel_type", type},
                                          {"enabled", s->enabled ? "true" : "false"},
                                          {"secret_changed", s->secret.empty() ? "no" : "yes"}}));
  json::Writer w;
  channel_json(w, type, *c);
  return ok_json(w.str());
}

http::Response test_channel(MessageDeps& d, http::Request& r, AuthContext& ctx) {
  const std::string type = r.param("type");
  if (!msg::is_channel_type(type)) return not_found("No message channel type '" + type + "'.");
  auto body = read_json_body(r, true);
  if (!body.ok()) return answer(body_problem(body.error()));
  json::Fields f(*body);
  f.reject_unknown({"to"});
  const std::string to = f.string("to", false, 320).value_or("");
  const bool addressed = type == "email" || type == "telegram" || type == "matrix";
  if (addressed && to.empty())
    f.add_problem("to", "is required for " + type +
                            " (an email address, a Telegram chat id or a Matrix room id)");
  if (!addressed && !to.empty()) f.add_problem("to", "a " + type + " channel has no recipient");
  if (type == "email" && !to.empty() && !valid_mail_addr(to))
    f.add_problem("to", "must be an email address");
  if (!f.ok()) return invalid_fields(f);
  msg::Delivery dl;
  dl.kind = "announcement";
  dl.user_id = ctx.session.user.id;
  dl.user_name = ctx.session.user.name;
  dl.to = to;
  dl.content = msg::render(
      msg::effective_template(*d.redis, "announcement").t,
      {{"subject", "Test message from Jellybridge"},
       {"message", "This is a test of the " + type + " channel, sent by an administrator."},
       {"user_name", ctx.session.user.name}},
      d.server_name);
  auto id = msg::enqueue_delivery(*d.redis, type, dl, "");
  if (!id.ok()) return fail(id.error());
  audit_best_effort(d.audit,
                    admin_event("admin.messages.channel.test", r, ctx, {{"channel_type", type}}));
  json::Writer w;
  w.begin_object().kv("entry", *id).kv("channel", type).end_object();
  return ok_json(w.str(), 202);
}

}  // namespace

void register_message_routes(http::Server& server, MessageDeps& deps) {
  MessageDeps& d = deps;
  server.route("GET", "/api/v1/admin/messages/channels",
               admins_only(*d.auth, d.audit, [&d](http::Request&, AuthContext&) {
                 json::Writer w;
                 w.begin_object().key("channels").begin_array();
                 for (const auto& type : msg::channel_types()) {
                   auto c = d.channels->get(type);
                   if (!c.ok()) return fail(c.error());
                   channel_json(w, type, *c);
                 }
                 w.end_array().end_object();
                 return ok_json(w.str());
               }));
  server.route("PUT", "/api/v1/admin/messages/channels/{type}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return put_channel(d, r, ctx);
               }));
  server.route("DELETE", "/api/v1/admin/messages/channels/{type}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 const std::string type = r.param("type");
                 if (!msg::is_channel_type(type))
                   return not_found("No message channel type '" + type + "'.");
                 auto gone = d.channels->remove(type);
                 if (!gone.ok()) return fail(gone.error());
                 if (!*gone) return not_found("The " + type + " channel is not configured.");
                 audit_best_effort(d.audit, admin_event("admin.messages.channel.removed", r, ctx,
                                                        {{"channel_type", type}}));
                 return http::Response::no_content();
               }));
  server.route("POST", "/api/v1/admin/messages/channels/{type}/test",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 return test_channel(d, r, ctx);
               }));

  server.route("GET", "/api/v1/admin/messages/templates",
               admins_only(*d.auth, d.audit, [&d](http::Request&, AuthContext&) {
                 json::Writer w;
                 w.begin_object().key("templates").begin_array();
                 for (const auto& kind : msg::kinds())
                   template_json(w, kind, msg::effective_template(*d.redis, kind));
                 w.end_array().end_object();
                 return ok_json(w.str());
               }));
  server.route("GET", "/api/v1/admin/messages/templates/{kind}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext&) {
                 const std::string kind = r.param("kind");
                 if (!msg::is_kind(kind)) return not_found("No message kind '" + kind + "'.");
                 json::Writer w;
                 template_json(w, kind, msg::effective_template(*d.redis, kind));
                 return ok_json(w.str());
               }));
  server.route("PUT", "/api/v1/admin/messages/templates/{kind}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 const std::string kind = r.param("kind");
                 if (!msg::is_kind(kind)) return not_found("No message kind '" + kind + "'.");
                 auto t = parse_template(r, kind, false);
                 if (!t.ok()) return answer(t.problem());
                 const int64_t now = timeutil::now_unix_ms();
                 if (auto s = msg::save_template(*d.redis, kind, *t, now); !s.ok())
                   return fail(s.error());
                 audit_best_effort(
                     d.audit, admin_event("admin.messages.template.set", r, ctx, {{"kind", kind}}));
                 json::Writer w;
                 template_json(w, kind, msg::StoredTemplate{*t, true, now});
                 return ok_json(w.str());
               }));
  server.route("DELETE", "/api/v1/admin/messages/templates/{kind}",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext& ctx) {
                 const std::string kind = r.param("kind");
                 if (!msg::is_kind(kind)) return not_found("No message kind '" + kind + "'.");
                 auto gone = msg::reset_template(*d.redis, kind);
                 if (!gone.ok()) return fail(gone.error());
                 audit_best_effort(d.audit, admin_event("admin.messages.template.reset", r, ctx,
                                                        {{"kind", kind}}));
                 json::Writer w;
                 template_json(w, kind, msg::StoredTemplate{msg::default_template(kind), false, 0});
                 return ok_json(w.str());
               }));
  server.route("POST", "/api/v1/admin/messages/templates/{kind}/preview",
               admins_only(*d.auth, d.audit, [&d](http::Request& r, AuthContext&) {
                 const std::string kind = r.param("kind");
                 if (!msg::is_kind(kind)) return not_found("No message kind '" + kind + "'.");
                 auto t = parse_template(r, kind, true);
                 if (!t.ok()) return answer(t.problem());
                 msg::Template use = t->subject.empty() && t->body.empty()
                                         ? msg::effective_template(*d.redis, kind).t
                                         : *t;
                 msg::Rendered out = msg::render(use, msg::sample_vars(kind));
                 json::Writer w;
                 w.begin_object()
                     .kv("subject", out.subject)
                     .kv("text", out.text)
                     .kv("html", out.html)
                     .end_object();
                 return ok_json(w.str());
               }));
}

}  // namespace jb::auth
