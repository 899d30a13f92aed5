// channel_handlers.cpp — see channel_handlers.h.
#include "auth-service/notify/channel_handlers.h"

#include <optional>

#include "auth-service/security/email_handlers.h"
#include "common/core/random.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {

void channel_json(json::Writer& w, const NotifyChannel& c) {
  w.begin_object()
      .kv("id", c.id)
      .kv("type", c.type)
      .kv("name", c.name)
      .kv("url", c.url)
      .kv("has_secret", c.has_secret)
      .kv("created_at", timeutil::format_rfc3339(c.created_ms * 1000))
      .key("events")
      .begin_array();
  for (const auto& e : c.events) w.value(e);
  w.end_array();
}

// Why `u` cannot have an email channel, if they cannot: email is not
// configured (503), or they have no confirmed address (400, naming the field).
std::optional<http::Response> email_channel_refused(ChannelDeps& deps, const SessionUser& u) {
  if (deps.email == nullptr) return fail(email_not_configured());
  auto a = deps.email->get(u.id);
  if (!a.ok()) return fail(a.error());
  if (*a && (*a)->confirmed) return std::nullopt;
  return answer(BodyProblem{
      Error(errc::invalid_request,
            "An email channel sends to your confirmed email address, and you have none.", 400),
      {{"type",
        "an email channel needs a confirmed email address: set one (PUT "
        "/api/v1/me/security/email) and follow the link mailed to it first"}}});
}

}  // namespace

BodyResult<notify::ChannelInput> parse_channel_body(const http::Request& r) {
  auto d = read_json_body(r);
  if (!d.ok()) return body_problem(d.error());
  json::Fields f(*d);
  f.reject_unknown({"type", "name", "url", "token", "secret", "events"});
  notify::ChannelInput in;
  in.type = f.string("type", true, 16).value_or("");
  in.name = f.string("name", true, 64).value_or("");
  const bool email = in.type == "email";
  auto url = f.string("url", !email, 2048);
  in.url = url.value_or("");
  auto token = f.string("token", false, 512);
  auto secret = f.string("secret", false, 512);
  if (token && secret) f.add_problem("secret", "give either token or secret, not both");
  if (email) {
    // Mail goes to the user's confirmed address only, never to one given here.
    if (url)
      f.add_problem("url",
                    "an email channel has no url: it always goes to your confirmed email address");
    if (token) f.add_problem("token", "an email channel has no token");
    if (secret) f.add_problem("secret", "an email channel has no secret");
  }
  in.secret = token.value_or(secret.value_or(""));
  if (const json::Value* ev = f.array("events", false)) {
    for (const auto& e : ev->GetArray()) {
      if (!e.IsString()) {
        f.add_problem("events", "must be an array of event names");
        break;
      }
      in.events.emplace_back(e.GetString());
    }
  }
  if (!f.ok()) return body_problem(f);
  for (auto& [field, problem] : notify::validate(in)) f.add_problem(field, problem);
  if (!f.ok()) return body_problem(f);
  return in;
}

void register_channel_routes(http::Server& server, ChannelDeps& deps) {
  server.route("GET", "/api/v1/me/security/channels",
               require_session(*deps.auth, [&deps](http::Request&, AuthContext& ctx) {
                 auto list = deps.channels->list(ctx.session.user.id);
                 if (!list.ok()) return fail(list.error());
                 json::Writer w;
                 w.begin_object().key("channels").begin_array();
                 for (const auto& c : *list) {
                   channel_json(w, c);
                   w.end_object();
                 }
                 w.end_array().key("events").begin_array();
                 for (const auto& e : notify::event_names()) w.value(e);
                 w.end_array().end_object();
                 return ok_json(w.str());
               }));

  server.route("POST", "/api/v1/me/security/channels",
               require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 auto parsed = parse_channel_body(r);
                 if (!parsed.ok()) return answer(parsed.problem());
                 notify::ChannelInput in = *parsed;
                 if (in.type == "email") {
                   if (auto no = email_channel_refused(deps, u)) return *no;
                 }
                 bool generated = in.type == "webhook" && in.secret.empty();
                 if (generated) in.secret = rnd::hex(32);
                 auto made = deps.channels->create(u.id, in);
                 if (!made.ok()) return fail(made.error());
                 audit_best_effort(
                     deps.audit, change_event("security.channel_created", u.id, u.name, r.client_ip,
                                              {{"id", made->id}, {"type", in.type}}));
                 json::Writer w;
                 channel_json(w, *made);
                 if (generated) w.kv("secret", in.secret).kv("shown_once", true);
                 w.end_object();
                 return ok_json(w.str(), 201);
               }));

  server.route("DELETE", "/api/v1/me/security/channels/{id}",
               require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 auto gone = deps.channels->remove(u.id, r.param("id"));
                 if (!gone.ok()) return fail(gone.error());
                 if (!*gone)
                   return fail(Error(errc::channel_not_found,
                                     "You have no notification channel with this id.", 404));
                 audit_best_effort(
                     deps.audit, change_event("security.channel_deleted", u.id, u.name, r.client_ip,
                                              {{"id", r.param("id")}}));
                 return http::Response::no_content();
               }));

  server.route("POST", "/api/v1/me/security/channels/{id}/test",
               require_session(*deps.auth, [&deps](http::Request& r, AuthContext& ctx) {
                 const SessionUser& u = ctx.session.user;
                 auto c = deps.channels->get(u.id, r.param("id"));
                 if (!c.ok()) return fail(c.error());
                 if (!c->has_value())
                   return fail(Error(errc::channel_not_found,
                                     "You have no notification channel with this id.", 404));
                 notify::Notification n{"test", u.id, u.name, r.client_ip, timeutil::now_unix_s(),
                                        {}};
                 auto queued = deps.outbox->publish_to(n, (*c)->id);
                 if (!queued.ok()) return fail(queued.error());
                 json::Writer w;
                 w.begin_object().kv("queued", true).kv("channel", (*c)->id).end_object();
                 return ok_json(w.str(), 202);
               }));
}

}  // namespace jb::auth
