// authenticator.cpp — see authenticator.h.
#include "auth-service/sessions/authenticator.h"

#include "common/core/crypto.h"
#include "common/core/time.h"

namespace jb::auth {

std::string Authenticator::presented_token(const http::Request& r) {
  std::string t = http::bearer_token(r);
  if (!t.empty()) return t;
  auto it = r.cookies.find(kSessionCookie);
  return it == r.cookies.end() ? "" : it->second;
}

Result<AuthContext> Authenticator::authenticate(const http::Request& r) {
  AuthContext ctx;
  std::string token = http::bearer_token(r);
  if (token.empty()) {
    auto it = r.cookies.find(kSessionCookie);
    if (it != r.cookies.end()) {
      token = it->second;
      ctx.via_cookie = true;
    }
  }
  if (token.empty())
    return Error(errc::unauthenticated,
                 "Sign in first: send the session as a Bearer token or the jb_session cookie.",
                 401);
  if (!ctx.via_cookie && app_passwords_ && looks_like_app_password(token)) {
    auto use = app_passwords_->lookup(token, r.client_ip, timeutil::now_unix_ms());
    if (!use.ok()) return use.error();
    if (!*use)
      return Error(errc::unauthenticated,
                   "This app password is not valid (revoked, or never issued); create a new one "
                   "under /api/v1/me/security/app-passwords.",
                   401);
    ctx.session.user = (*use)->user;
    ctx.app_password_id = (*use)->id;
    return ctx;
  }
  auto s = store_.lookup(token);
  if (!s.ok()) return s.error();
  ctx.session = std::move(*s);
  bool safe = r.method == "GET" || r.method == "HEAD" || r.method == "OPTIONS";
  if (ctx.via_cookie && !safe && !crypto::equal_ct(r.header("X-CSRF-Token"), ctx.session.csrf))
    return Error(
        errc::csrf_failed,
        "Requests authenticated by cookie that change something must send the X-CSRF-Token header "
        "(from the sign-in answer or GET /api/v1/me).",
        403);
  return ctx;
}

std::optional<AuthContext> Authenticator::authenticate_cached(const http::Request& r) {
  AuthContext ctx;
  std::string token = http::bearer_token(r);
  if (token.empty()) {
    auto it = r.cookies.find(kSessionCookie);
    if (it == r.cookies.end()) return std::nullopt;
    token = it->second;
    ctx.via_cookie = true;
  }
  if (looks_like_app_password(token)) return std::nullopt;  // the full path looks it up
  auto s = store_.cached(token);
  if (!s) return std::nullopt;
  bool safe = r.method == "GET" || r.method == "HEAD" || r.method == "OPTIONS";
  if (ctx.via_cookie && !safe) return std::nullopt;  // the full path does the CSRF answer
  ctx.session = std::move(*s);
  return ctx;
}

http::Cookie Authenticator::session_cookie(const Session& s, const http::Request& r) const {
  http::Cookie c;
  c.name = kSessionCookie;
  c.value = s.token;
  c.path = "/";
  c.max_age = static_cast<int>(store_.policy().idle_ms / 1000);
  c.http_only = true;
  c.secure = secure_ || r.https;
  c.same_site = "Strict";
  return c;
}

http::Cookie Authenticator::clearing_cookie(const http::Request& r) const {
  http::Cookie c;
  c.name = kSessionCookie;
  c.value = "";
  c.max_age = 0;
  c.secure = secure_ || r.https;
  return c;
}

http::Handler require_auth(Authenticator& auth, AuthedHandler h) {
  return [&auth, h = std::move(h)](http::Request& r) -> http::Response {
    auto ctx = auth.authenticate(r);
    if (!ctx.ok()) {
      http::Response resp = http::Response::error(ctx.error(), 401);
      if (ctx.error().code == errc::unauthenticated)
        resp.headers.emplace_back("WWW-Authenticate", "Bearer");
      return resp;
    }
    return h(r, *ctx);
  };
}

http::Handler require_session(Authenticator& auth, AuthedHandler h) {
  return require_auth(auth, [h = std::move(h)](http::Request& r, AuthContext& ctx) {
    if (!ctx.app_password_id.empty())
      return http::Response::error(
          Error(errc::session_required,
                "App passwords cannot change security settings or approve devices; sign in with "
                "your password to do this.",
                403),
          403);
    return h(r, ctx);
  });
}

}  // namespace jb::auth

namespace jb::auth {

http::FastPath fast_auth(Authenticator& auth, AuthedHandler h) {
  return [&auth, h = std::move(h)](http::Request& r) -> std::optional<http::Response> {
    auto ctx = auth.authenticate_cached(r);
    if (!ctx) return std::nullopt;
    return h(r, *ctx);
  };
}

}  // namespace jb::auth
