// home_signin.cpp — see home_signin.h.
#include "auth-service/connections/home_signin.h"

#include "common/core/crypto.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::auth {

std::string HomeSignInService::home_connection_key(const std::string& jellyfin_user_id) {
  return "jb:user:" + jellyfin_user_id + ":home";
}

std::string HomeSignInService::login_key(const std::string& username) {
  return "jb:home:login:" + crypto::sha256_hex(text::to_lower(username));
}

Result<HomeSignIn> HomeSignInService::upsert(const std::string& home_url,
                                             const std::string& device_id,
                                             const std::string& method, const jf::AuthResult& auth,
                                             const std::string& login_key,
                                             const std::optional<Connection>& known) {
  int64_t now = timeutil::now_unix_ms();
  // The user's home connection, if there is one already (one per user and server).
  std::string home_key = home_connection_key(auth.user.id);
  Connection c;
  bool found = false;
  if (known && known->home && known->owner == auth.user.id) {
    c = *known;
    found = true;
  } else {
    auto existing_id = redis_.command({"GET", home_key});
    if (!existing_id.ok()) return existing_id.error();
    if (existing_id->is_string()) {
      auto e = store_.get_owned(existing_id->str, auth.user.id);
      if (!e.ok()) return e.error();
      if (e->has_value()) {
        c = **e;
        found = true;
      }
    }
  }
  if (!found) {
    c.id = rnd::id128();
    c.owner = auth.user.id;
    c.created_ms = now;
    c.home = true;
  } else if (c.device_id != device_id && uses_user_token(c) && !c.token_sealed.empty()) {
    // A new DeviceId replaces the old token of ours: log the old one out.
    auto old = vault_.open(c.id, c.token_sealed);
    if (old.ok())
      log::best_effort(jf_.client(c.server_url, c.device_id, *old).logout(),
                       "signing the replaced home token out");
  }
  // The server's name and version: asked again only when they may have changed.
  const bool info_stale = !found || c.server_name.empty() || c.server_id != auth.server_id ||
                          c.server_url != home_url ||
                          now - c.info_checked_ms >= t_.home_check_interval_ms;
  if (info_stale) {
    auto info = jf_.client(home_url, device_id, auth.access_token).public_info();
    if (info.ok()) {
      c.server_id = info->server_id;
      c.server_name = info->server_name;
      c.server_version = info->version;
      c.info_checked_ms = now;
    } else {
      c.server_id = auth.server_id;
    }
  }
  auto sealed = vault_.seal(c.id, auth.access_token);
  if (!sealed.ok()) return sealed.error();
  c.method = method;
  c.server_url = home_url;
  c.device_id = device_id;
  c.token_sealed = *sealed;
  c.jf_user_id = auth.user.id;
  c.jf_user_name = auth.user.name;
  c.status = "active";
  c.pending_reason.clear();
  c.failures = 0;
  c.last_error_code.clear();
  c.last_error.clear();
  c.last_check_ms = now;
  c.next_check_ms = now + t_.home_check_interval_ms;  // the account is checked this often
  std::vector<RedisArgv> keys{{"SET", home_key, c.id}};
  if (!login_key.empty()) keys.push_back({"SET", login_key, c.id});
  if (auto s = store_.save(c, std::move(keys)); !s.ok()) return s.error();
  HomeSignIn out{auth.user, c};
  out.user.is_admin = suite_admin(admins_, auth.user);
  return out;
}

std::string HomeSignInService::known_user_id(const std::string& username) {
  auto id = redis_.command({"GET", login_key(username)});
  if (!id.ok() || !id->is_string()) return "";
  auto c = store_.get(id->str);
  if (!c.ok() || !c->has_value() || !(*c)->home) return "";
  return (*c)->owner;
}

Status HomeSignInService::admit(const jf::User& user, const std::string& client_ip) const {
  if (!lan_ || user.remote_access || lan_->contains(std::string_view(client_ip)))
    return Status::Ok();
  return Error(errc::remote_access_denied,
               "Your Jellyfin account may only sign in from the local network.", 403);
}

Result<jf::User> HomeSignInService::resume(const std::string& home_url, const std::string& user_id,
                                           const std::string& client_ip, std::string* why) {
  auto required = [why](const std::string& reason) {
    if (why) *why = reason;
    return Error(errc::home_signin_required,
                 "Sign in with your Jellyfin password once: the suite holds no valid Jellyfin "
                 "sign-in for you to continue from.",
                 401);
  };
  auto id = redis_.command({"GET", home_connection_key(user_id)});
  if (!id.ok()) return id.error();
  if (!id->is_string()) return required("no_home_connection");
  auto c = store_.get_owned(id->str, user_id);
  if (!c.ok()) return c.error();
  if (!c->has_value() || !(*c)->home || (*c)->token_sealed.empty() || (*c)->server_url != home_url)
    return required("no_home_connection");
  const Connection& home = **c;
  auto token = vault_.open(home.id, home.token_sealed);
  if (!token.ok()) return required("no_home_connection");
  auto me = jf_.client(home.server_url, home.device_id, *token).me();
  if (std::string lost = home_account_lost_reason(me); !lost.empty()) return required(lost);
  if (!me.ok()) return me.error();
  if (me->id != user_id) return required("no_home_connection");
  if (auto a = admit(*me, client_ip); !a.ok()) {
    if (why) *why = "remote_access_denied";
    return a.error();
  }
  jf::User user = *me;
  user.is_admin = suite_admin(admins_, user);
  return user;
}

Result<HomeSignIn> HomeSignInService::sign_in(const std::string& home_url,
                                              const std::string& username,
                                              const std::string& password,
                                              const std::string& client_ip) {
  // Re-use the DeviceId of this user's home connection, so a new sign-in
  // replaces our own previous token instead of piling up tokens.
  std::string login_key = HomeSignInService::login_key(username);
  std::string device_id;
  std::optional<Connection> known;
  auto prev = redis_.command({"GET", login_key});
  if (!prev.ok()) return prev.error();
  if (prev->is_string()) {
    auto c = store_.get(prev->str);
    if (c.ok() && c->has_value()) {
      known = **c;
      device_id = known->device_id;
    }
  }
  if (device_id.empty()) device_id = rnd::id128();
  auto client = jf_.client(home_url, device_id);
  auto auth = client.authenticate_by_name(username, password);
  if (!auth.ok()) return auth.error();
  if (auto a = admit(auth->user, client_ip); !a.ok()) {
    log::best_effort(jf_.client(home_url, device_id, auth->access_token).logout(),
                     "signing out a token issued to a user without remote access");
    return a.error();
  }
  return upsert(home_url, device_id, "password", *auth, login_key, known);
}

Result<HomeSignIn> HomeSignInService::adopt_token(const std::string& home_url,
                                                  const std::string& device_id,
                                                  const jf::AuthResult& auth,
                                                  const std::string& client_ip) {
  if (auto a = admit(auth.user, client_ip); !a.ok()) {
    log::best_effort(jf_.client(home_url, device_id, auth.access_token).logout(),
                     "signing out a token issued to a user without remote access");
    return a.error();
  }
  return upsert(home_url, device_id, "quickconnect", auth, "");
}

}  // namespace jb::auth
