// quickconnect_signin.cpp — see quickconnect_signin.h.
#include "auth-service/sessions/quickconnect_signin.h"

#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/result.h"
#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::auth {

namespace {
std::string key(const std::string& id) {
  return "jb:qclogin:" + id;
}
std::string aad(const std::string& id) {
  return "qclogin:" + id;
}
}  // namespace

Result<QcStart> QuickConnectSignIn::start(const std::string& home_url) {
  std::string device_id = rnd::id128();
  auto client = jf_.client(home_url, device_id);
  auto qc = client.quick_connect_initiate();
  if (!qc.ok()) return qc.error();
  QcStart s;
  s.id = rnd::id128();
  s.code = qc->code;
  s.expires_ms = timeutil::now_unix_ms() + t_.qc_lifetime_ms;
  auto sealed = vault_.seal(aad(s.id), qc->secret);
  if (!sealed.ok()) return sealed.error();
  auto r =
      redis_.pipeline({{"HSET", key(s.id), "secret", *sealed, "code", s.code, "device_id",
                        device_id, "expires_ms", std::to_string(s.expires_ms)},
                       {"PEXPIRE", key(s.id), std::to_string(t_.qc_lifetime_ms + 60000)},
                       {"SET", key(s.id) + ":poll", "1", "PX", std::to_string(t_.qc_poll_ms)}});
  if (!r.ok()) return r.error();
  return s;
}

Result<QcStatus> QuickConnectSignIn::status(const std::string& home_url, const std::string& id,
                                            const std::string& client_ip,
                                            const std::string& user_agent) {
  auto not_found = Error(errc::not_found,
                         "There is no pending Quick Connect sign-in with id '" + id +
                             "' (it may have completed already: the session is handed out once).",
                         404);
  if (id.size() != 32 || !text::is_hex(id)) return not_found;
  auto h = redis_.command({"HGETALL", key(id)});
  if (!h.ok()) return h.error();
  if (h->elements.empty()) return not_found;
  std::map<std::string, std::string> f = h->as_map();
  QcStatus st;
  st.expires_ms = std::atoll(f["expires_ms"].c_str());
  int64_t now = timeutil::now_unix_ms();
  if (now > st.expires_ms) {
    log::best_effort(redis_.command({"DEL", key(id)}), "deleting an expired Quick Connect sign-in");
    st.state = "expired";
    return st;
  }
  st.state = "pending";
  auto gate =
      redis_.command({"SET", key(id) + ":poll", "1", "NX", "PX", std::to_string(t_.qc_poll_ms)});
  if (!gate.ok()) return gate.error();
  if (gate->is_nil()) return st;  // Jellyfin was asked less than 5 s ago
  auto secret = vault_.open(aad(id), f["secret"]);
  if (!secret.ok()) return secret.error();
  auto client = jf_.client(home_url, f["device_id"]);
  auto qc = client.quick_connect_state(*secret);
  if (!qc.ok()) {
    if (qc.error().code == jf::errc::not_found) {
      log::best_effort(redis_.command({"DEL", key(id)}),
                       "deleting an expired Quick Connect sign-in");
      st.state = "expired";
      return st;
    }
    return qc.error();
  }
  if (!qc->authenticated) return st;
  auto auth = client.authenticate_with_quick_connect(*secret);
  if (!auth.ok()) return auth.error();
  auto home = home_.adopt_token(home_url, f["device_id"], *auth, client_ip);
  if (!home.ok()) {
    if (home.error().code == errc::remote_access_denied)  // final: this sign-in is over
      log::best_effort(redis_.command({"DEL", key(id)}),
                       "deleting a refused Quick Connect sign-in");
    return home.error();
  }
  // Hand the session out once: only the caller that deletes the request creates it.
  auto del = redis_.command({"DEL", key(id)});
  if (!del.ok()) return del.error();
  if (del->integer != 1) return not_found;
  auto session = sessions_.create(SessionUser{home->user.id, home->user.name, home->user.is_admin},
                                  SessionOrigin{client_ip, user_agent});
  if (!session.ok()) return session.error();
  st.state = "authenticated";
  st.session = *session;
  st.user = home->user;
  log::info("signed in with quick connect", {{"user_id", home->user.id}});
  return st;
}

}  // namespace jb::auth
