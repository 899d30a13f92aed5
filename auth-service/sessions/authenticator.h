// authenticator.h — who is calling: a suite session from
// `Authorization: Bearer <token>` or the `jb_session` cookie, or an app
// password (app_password_store.h) as a Bearer token, never as a cookie.
//
// Cookie-authenticated mutations (anything but GET/HEAD/OPTIONS) must carry
// the session's CSRF token in `X-CSRF-Token` (compared in constant time); the
// cookie is also SameSite=Strict. Bearer requests are not exposed to CSRF
// (browsers never add the header on their own) and need no CSRF token.
//
// Thread-safety: thread-safe (stateless apart from the SessionStore).
#pragma once

#include <functional>
#include <string>

#include "auth-service/security/app_password_store.h"
#include "auth-service/sessions/session_store.h"
#include "common/net/http_server.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* csrf_failed = "csrf_failed";            // 403
constexpr const char* session_required = "session_required";  // 403: not with an app password
}  // namespace jb::errc

namespace jb::auth {

constexpr const char* kSessionCookie = "jb_session";

struct AuthContext {
  Session session;
  bool via_cookie = false;
  std::string app_password_id;  // set when an app password is the credential
};

class Authenticator {
 public:
  Authenticator(SessionStore& store, bool secure_cookies)
      : store_(store), secure_(secure_cookies) {}
  // Accept app passwords as Bearer credentials (null: sessions only).
  void set_app_passwords(AppPasswordStore* app_passwords) { app_passwords_ = app_passwords; }

  // "unauthenticated" (401) or "csrf_failed" (403) on failure.
  Result<AuthContext> authenticate(const http::Request& r);
  // In-memory only (the session cache): a context when the session is cached
  // and the request passes every check; nullopt means "ask authenticate()".
  std::optional<AuthContext> authenticate_cached(const http::Request& r);
  // The presented token (bearer or cookie), or "".
  static std::string presented_token(const http::Request& r);
  // Secure when JB_PUBLIC_URL is https or a trusted proxy said X-Forwarded-Proto: https.
  http::Cookie session_cookie(const Session& s, const http::Request& r) const;
  http::Cookie clearing_cookie(const http::Request& r) const;
  SessionStore& store() { return store_; }
  // Whether cookies for this request get the Secure attribute.
  bool secure_for(const http::Request& r) const { return secure_ || r.https; }

 private:
  SessionStore& store_;
  bool secure_;
  AppPasswordStore* app_passwords_ = nullptr;
};

// Wraps a handler that needs a signed-in user.
using AuthedHandler = std::function<http::Response(http::Request&, AuthContext&)>;
http::Handler require_auth(Authenticator& auth, AuthedHandler h);
// The same, but a signed-in session only: an app password gets 403
// session_required (security settings, approving devices).
http::Handler require_session(Authenticator& auth, AuthedHandler h);
// For handlers that are pure in-memory work given the session (GET /me): the
// fast path answers on the reactor thread when the session is cached.
http::FastPath fast_auth(Authenticator& auth, AuthedHandler h);

}  // namespace jb::auth
