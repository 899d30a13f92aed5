// auth_handlers.cpp — see auth_handlers.h.
#include "auth-service/sessions/auth_handlers.h"

#include "auth-service/api/io.h"
#include "auth-service/edge/signin_flow.h"
#include "auth-service/sessions/sign_in_body.h"
#include "common/core/log.h"
#include "common/core/time.h"
#include "common/core/user_agent.h"

namespace jb::auth {

namespace {

std::string user_json(json::Writer& w, const SessionUser& u) {
  w.key("user")
      .begin_object()
      .kv("id", u.id)
      .kv("name", u.name)
      .kv("is_admin", u.is_admin)
      .end_object();
  return {};
}

void session_json(json::Writer& w, const Session& s, bool with_token) {
  w.key("session").begin_object();
  if (with_token) w.kv("token", s.token);
  w.kv("expires_at", timeutil::format_rfc3339(s.expires_ms * 1000))
      .kv("csrf_token", s.csrf)
      .end_object();
}

}  // namespace

Error no_home() {
  return Error(errc::home_server_not_configured,
               "No home Jellyfin server is configured (JB_JELLYFIN_URL); sign-in is unavailable.",
               503);
}

http::Response signed_in(Authenticator& auth, const http::Request& req, const Session& s,
                         const char* state, const std::function<void(json::Writer&)>& more) {
  json::Writer w;
  w.begin_object();
  if (state) w.kv("state", state);
  user_json(w, s.user);
  session_json(w, s, true);
  if (more) more(w);
  w.end_object();
  http::Response r = http::Response::json(200, w.str());
  r.cookies.push_back(auth.session_cookie(s, req));
  return r;
}

Error home_error(const Error& e, const std::string& home_url) {
  if (jf::is_unreachable(e)) {
    Error out(e.code,
              "The home Jellyfin server (" + home_url +
                  ") is unavailable, so nobody can sign in right now. " + e.message,
              503);
    out.retry_after_s = e.retry_after_s;
    return out;
  }
  return e;
}

void register_auth_routes(http::Server& server, SignInDeps& deps) {
  server.route("POST", "/api/v1/auth/login", [&deps](http::Request& r) {
    auto body = parse_sign_in_body(r);
    if (!body.ok()) return answer(body.problem());
    if (deps.home_url.empty()) return fail(no_home());
    if (looks_like_app_password(body->password))  // never sent to Jellyfin, never a browser session
      return fail(Error(errc::app_password_not_for_signin,
                        "App passwords work only as a Bearer credential for the API; sign in with "
                        "your Jellyfin password.",
                        400));
    auto home = guarded_sign_in(
        deps.guard, deps.audit, r.client_ip, body->username,
        [&] {
          return deps.home->sign_in(deps.home_url, body->username, body->password, r.client_ip);
        },
        ua::device_label(r.header("User-Agent")),
        [&deps](const std::string& name) { return deps.home->known_user_id(name); });
    if (!home.ok()) {
      log::info("sign-in refused", {{"code", home.error().code}});
      return fail(home_error(home.error(), deps.home_url));
    }
    const SessionUser user{home->user.id, home->user.name, home->user.is_admin};
    const SessionOrigin origin{r.client_ip, r.header("User-Agent")};
    std::optional<http::Cookie> trusted;
    int64_t enrol_by_ms = 0;
    if (deps.security) {  // a second factor: a challenge instead of a session
      auto step = second_step(*deps.security, user, r, body->device_id);
      if (!step.ok()) return fail(step.error());
      if (step->challenge) return ok_json(challenge_json(*step->challenge));
      trusted = step->cookie;
      enrol_by_ms = step->enrol_by_ms;
    }
    auto s = deps.auth->store().create(user, origin);
    if (!s.ok()) return fail(s.error());
    log::info("signed in", {{"user_id", home->user.id}});
    http::Response resp = signed_in(*deps.auth, r, *s, nullptr, [enrol_by_ms](json::Writer& w) {
      // The policy asks this user for a second factor: set one up by then.
      if (enrol_by_ms > 0)
        w.kv("second_factor_required_by", timeutil::format_rfc3339(enrol_by_ms * 1000));
    });
    if (trusted) resp.cookies.push_back(*trusted);
    return resp;
  });

  server.route("POST", "/api/v1/auth/logout",
               require_auth(*deps.auth, [&deps](http::Request& r, AuthContext&) {
                 auto s = deps.auth->store().revoke(Authenticator::presented_token(r));
                 if (!s.ok()) return fail(s.error());
                 http::Response resp = http::Response::no_content();
                 resp.cookies.push_back(deps.auth->clearing_cookie(r));
                 return resp;
               }));

  AuthedHandler me = [](http::Request&, AuthContext& ctx) {
    json::Writer w;
    w.begin_object();
    user_json(w, ctx.session.user);
    session_json(w, ctx.session, false);
    w.end_object();
    return ok_json(w.str());
  };
  // A cached session is answered on the reactor thread; otherwise Redis is asked on the pool.
  server.route_fast("GET", "/api/v1/me", fast_auth(*deps.auth, me), require_auth(*deps.auth, me));

  server.route("POST", "/api/v1/auth/quickconnect", [&deps](http::Request& r) {
    if (deps.home_url.empty()) return fail(no_home());
    if (auto refused = refuse_quickconnect(deps.guard, deps.audit, r.client_ip))
      return fail(*refused);
    auto s = deps.quickconnect->start(deps.home_url);
    if (!s.ok()) return fail(home_error(s.error(), deps.home_url));
    json::Writer w;
    w.begin_object()
        .kv("id", s->id)
        .kv("code", s->code)
        .kv("expires_at", timeutil::format_rfc3339(s->expires_ms * 1000))
        .kv("state", "pending")
        .end_object();
    return ok_json(w.str(), 201);
  });

  server.route("GET", "/api/v1/auth/quickconnect/{id}", [&deps](http::Request& r) {
    if (deps.home_url.empty()) return fail(no_home());
    auto st = deps.quickconnect->status(deps.home_url, r.param("id"), r.client_ip,
                                        r.header("User-Agent"));
    if (!st.ok()) return fail(home_error(st.error(), deps.home_url));
    if (st->state == "authenticated" && deps.security) {
      // A second factor: the session Quick Connect made is withdrawn before anyone saw
      // its token, and the device answers a challenge instead.
      auto step = second_step(*deps.security, st->session->user, r, "");
      if (!step.ok()) return fail(step.error());
      if (step->challenge) {
        if (auto s = deps.auth->store().revoke(st->session->token); !s.ok()) return fail(s.error());
        return ok_json(challenge_json(*step->challenge, "second_factor"));
      }
    }
    if (st->state == "authenticated")
      return signed_in(*deps.auth, r, *st->session, st->state.c_str());
    json::Writer w;
    w.begin_object()
        .kv("state", st->state)
        .kv("expires_at", timeutil::format_rfc3339(st->expires_ms * 1000))
        .end_object();
    return ok_json(w.str());
  });
}

}  // namespace jb::auth
