// connection_service.cpp — see connection_service.h.
#include "auth-service/connections/connection_service.h"

#include "auth-service/edge/user_caps.h"
#include "common/core/crypto.h"
#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/result.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/jellyfin/url.h"

namespace jb::auth {

namespace {

Error not_found(const std::string& id) {
  return Error(errc::not_found, "You have no connection with id '" + id + "'.", 404);
}

// The answer to a server_url that cannot be used (connection_service.h); the precise
// error is logged, never answered.
Error unusable(const std::string& url, const Error& precise) {
  log::info("connection target unusable",
            {{"server_url", url}, {"code", precise.code}, {"error", precise.message}});
  return Error(errc::server_url_unusable, jf::kUnusableServer, 422);
}

// A later step's error: a refusal by the outbound policy is the generic answer too.
Error hide_refusal(const std::string& url, const Error& e) {
  return e.code == jf::errc::outbound_refused ? unusable(url, e) : e;
}

}  // namespace

Result<jf::PublicInfo> ConnectionService::probe(const std::string& url,
                                                const std::string& device_id) {
  auto c = jf_.client(url, device_id);
  return c.public_info();
}

Connection& ConnectionService::record_failure(Connection& c, const Error& e, int64_t now) {
  c.last_check_ms = now;
  c.last_error_code = e.code == jf::errc::outbound_refused ? errc::server_url_unusable : e.code;
  c.last_error = e.code == jf::errc::outbound_refused ? jf::kUnusableServer : e.message;
  if (e.code == jf::errc::token_rejected) {
    c.status = "expired";
    c.next_check_ms = 0;  // nothing to retry: the user must reconnect
  } else if (jf::is_unreachable(e)) {
    c.status = "unreachable";
    c.failures = std::min(c.failures + 1, 30);
    int64_t backoff = t_.backoff_base_ms << std::min(c.failures - 1, 20);
    backoff = std::min(backoff, t_.backoff_max_ms);
    if (e.retry_after_s >= 0) backoff = std::max<int64_t>(backoff, e.retry_after_s * 1000LL);
    c.next_check_ms = now + backoff;
  } else {
    c.next_check_ms = now + t_.check_interval_ms;
  }
  return c;
}

Result<Connection> ConnectionService::create(const std::string& owner,
                                             const CreateConnection& req) {
  auto url = jf::normalize_server_url(req.server_url);
  if (!url.ok()) return url.error();
  if (auto full = admit_new(owner, "", false); !full.ok()) return full.error();  // before Jellyfin
  int64_t now = timeutil::now_unix_ms();
  Connection c;
  c.id = rnd::id128();
  c.owner = owner;
  c.method = req.method;
  c.server_url = *url;
  c.device_id = rnd::id128();
  c.created_ms = now;
  c.last_check_ms = now;

  auto info = probe(c.server_url, c.device_id);
  if (!info.ok()) return unusable(c.server_url, info.error());
  c.server_id = info->server_id;
  c.server_name = info->server_name;
  c.server_version = info->version;

  if (req.method == "password") {
    auto client = jf_.client(c.server_url, c.device_id);
    auto auth = client.authenticate_by_name(req.username, req.password);
    if (!auth.ok()) return hide_refusal(c.server_url, auth.error());
    auto sealed = vault_.seal(c.id, auth->access_token);
    if (!sealed.ok()) return sealed.error();
    c.token_sealed = *sealed;
    c.jf_user_id = auth->user.id;
    c.jf_user_name = auth->user.name;
    c.status = "active";
    c.next_check_ms = now + t_.check_interval_ms;
  } else if (req.method == "api_key") {
    auto client = jf_.client(c.server_url, c.device_id, req.api_key);
    auto sys = client.system_info();
    if (!sys.ok()) {
      if (sys.error().code == jf::errc::token_rejected)
        return Error(jf::errc::bad_api_key, "Jellyfin did not accept that API key.", 401);
      return hide_refusal(c.server_url, sys.error());
    }
    auto sealed = vault_.seal(c.id, req.api_key);
    if (!sealed.ok()) return sealed.error();
    c.token_sealed = *sealed;
    if (!req.user_id.empty()) {
      auto u = client.user(req.user_id);
      if (!u.ok()) {
        if (u.error().code == jf::errc::not_found || u.error().code == jf::errc::bad_request)
          return Error(errc::invalid_request, "'user_id' is not a user on " + c.server_url + ".",
                       400);
        return hide_refusal(c.server_url, u.error());
      }
      c.jf_user_id = u->id;
      c.jf_user_name = u->name;
      c.status = "active";
      c.next_check_ms = now + t_.check_interval_ms;
    } else {
      c.status = "pending";
      c.pending_reason = "user_id";
    }
  } else if (req.method == "quickconnect") {
    auto client = jf_.client(c.server_url, c.device_id);
    auto qc = client.quick_connect_initiate();
    if (!qc.ok()) return hide_refusal(c.server_url, qc.error());
    auto sealed = vault_.seal(qc_secret_aad(c.id), qc->secret);
    if (!sealed.ok()) return sealed.error();
    c.qc_secret_sealed = *sealed;
    c.qc_code = qc->code;
    c.qc_expires_ms = now + t_.qc_lifetime_ms;
    c.status = "pending";
    c.pending_reason = "approval";
    c.next_check_ms = now + t_.qc_poll_ms;
    // The poll gate starts closed: nobody asks Jellyfin again within 5 s.
    log::best_effort(redis_.command({"SET", ConnectionStore::qc_poll_key(c.id), "1", "PX",
                                     std::to_string(t_.qc_poll_ms)}),
                     "setting the Quick Connect poll gap");
  } else {
    return Error(errc::invalid_request, "'method' must be password, api_key or quickconnect.", 400);
  }
  // The cap, atomically now that the connection exists: a token we obtained
  // for a connection that does not fit is signed out again.
  auto admitted = admit_new(owner, c.id, true);
  if (admitted.ok()) {
    admitted = store_.save(c);
    if (!admitted.ok())
      log::best_effort(store_.remove(c), "releasing the slot of a connection that was not stored");
  }
  if (!admitted.ok()) {
    if (c.method == "password" && !c.token_sealed.empty()) {
      auto token = vault_.open(c.id, c.token_sealed);
      if (token.ok())
        log::best_effort(jf_.client(c.server_url, c.device_id, *token).logout(),
                         "signing out the token of a connection that was not stored");
    }
    return admitted.error();
  }
  log::info("connection created", {{"connection_id", c.id},
                                   {"method", c.method},
                                   {"server_id", c.server_id},
                                   {"status", c.status}});
  return c;
}

Result<std::vector<Connection>> ConnectionService::list(const std::string& owner) {
  return store_.list(owner);
}

Result<Connection> ConnectionService::get(const std::string& owner, const std::string& id) {
  auto c = store_.get_owned(id, owner);
  if (!c.ok()) return c.error();
  if (!c->has_value()) return not_found(id);
  Connection conn = **c;
  if (conn.status == "pending" && conn.pending_reason == "approval")
    return poll_quickconnect(conn, false);
  return conn;
}

void ConnectionService::expire_quickconnect(Connection& c, std::string why) {
  c.status = "expired";
  c.pending_reason.clear();
  c.last_error_code = errc::quickconnect_expired;
  c.last_error = std::move(why);
  c.qc_secret_sealed.clear();
  c.next_check_ms = 0;
}

Result<Connection> ConnectionService::poll_quickconnect(Connection c, bool force) {
  int64_t now = timeutil::now_unix_ms();
  if (now > c.qc_expires_ms) {
    expire_quickconnect(
        c, "The Quick Connect code expired before it was approved; create the connection again.");
    if (auto s = store_.save(c); !s.ok()) return s.error();
    return c;
  }
  auto gate = redis_.command(
      {"SET", ConnectionStore::qc_poll_key(c.id), "1", "NX", "PX", std::to_string(t_.qc_poll_ms)});
  if (!gate.ok()) return gate.error();
  if (gate->is_nil() && !force) return c;  // asked Jellyfin less than 5 s ago
  auto secret = vault_.open(qc_secret_aad(c.id), c.qc_secret_sealed);
  if (!secret.ok()) return secret.error();
  auto client = jf_.client(c.server_url, c.device_id);
  auto st = client.quick_connect_state(*secret);
  c.last_check_ms = now;
  if (!st.ok()) {
    if (st.error().code == jf::errc::not_found) {  // unknown or expired at Jellyfin
      expire_quickconnect(
          c,
          "Jellyfin no longer knows this Quick Connect request (expired or the server restarted).");
    } else {
      c.last_error_code = st.error().code;
      c.last_error = st.error().message;
      c.next_check_ms = now + t_.qc_poll_ms;
    }
  } else if (st->authenticated) {
    auto auth = client.authenticate_with_quick_connect(*secret);
    if (!auth.ok()) {
      c.last_error_code = auth.error().code;
      c.last_error = auth.error().message;
      c.next_check_ms = now + t_.qc_poll_ms;
    } else {
      auto sealed = vault_.seal(c.id, auth->access_token);
      if (!sealed.ok()) return sealed.error();
      c.token_sealed = *sealed;
      c.qc_secret_sealed.clear();
      c.qc_code.clear();
      c.jf_user_id = auth->user.id;
      c.jf_user_name = auth->user.name;
      c.status = "active";
      c.pending_reason.clear();
      c.last_error_code.clear();
      c.last_error.clear();
      c.next_check_ms = now + t_.check_interval_ms;
      log::info("quick connect approved", {{"connection_id", c.id}});
    }
  } else {
    c.next_check_ms = now + t_.qc_poll_ms;
  }
  if (auto s = store_.save(c); !s.ok()) return s.error();
  return c;
}

Result<Connection> ConnectionService::check(Connection c, bool force_qc_poll) {
  int64_t now = timeutil::now_unix_ms();
  if (c.status == "pending") {
    if (c.pending_reason == "approval") return poll_quickconnect(std::move(c), force_qc_poll);
    return c;  // waiting for the user to choose an account
  }
  if (c.token_sealed.empty()) return c;
  auto token = vault_.open(c.id, c.token_sealed);
  if (!token.ok()) return token.error();
  auto client = jf_.client(c.server_url, c.device_id, *token);
  Status ok = Status::Ok();
  std::string lost;  // why the home account's sessions must end ("": they may stay)
  if (c.method == "api_key") {
    auto sys = client.system_info();
    if (!sys.ok())
      ok = sys.error();
    else if (!c.jf_user_id.empty()) {
      auto u = client.user(c.jf_user_id);
      if (!u.ok()) ok = u.error();
    }
  } else {
    auto me = client.me();
    if (!me.ok())
      ok = me.error();
    else
      c.jf_user_name = me->name;
    if (c.home) lost = home_account_lost_reason(me);  // the account, not only the token
  }
  if (ok.ok()) {
    c.status = "active";
    c.failures = 0;
    c.last_check_ms = now;
    c.last_error_code.clear();
    c.last_error.clear();
    c.next_check_ms = now + (c.home ? t_.home_check_interval_ms : t_.check_interval_ms);
  } else {
    record_failure(c, ok.error(), now);
  }
  // Sessions end before the connection is saved as expired: when revoking fails (Redis
  // down), nothing is saved and the check comes round again (claim_due's lease).
  if (auto s = home_lost(c, lost); !s.ok()) return s.error();
  if (auto s = store_.save(c); !s.ok()) return s.error();
  return c;
}

Result<Connection> ConnectionService::verify(const std::string& owner, const std::string& id) {
  auto c = store_.get_owned(id, owner);
  if (!c.ok()) return c.error();
  if (!c->has_value()) return not_found(id);
  return check(**c, true);
}

Status ConnectionService::remove(const std::string& owner, const std::string& id) {
  auto c = store_.get_owned(id, owner);
  if (!c.ok()) return c.error();
  if (!c->has_value()) return not_found(id);
  const Connection& conn = **c;
  if (uses_user_token(conn) && !conn.token_sealed.empty()) {
    auto token = vault_.open(conn.id, conn.token_sealed);
    if (token.ok()) {
      auto client = jf_.client(conn.server_url, conn.device_id, *token);
      auto s = client.logout();
      if (!s.ok() && s.error().code != jf::errc::token_rejected)
        log::warn("could not log the token out at Jellyfin",
                  {{"connection_id", conn.id}, {"error", s.error().message}});
    }
  }
  if (auto s = store_.remove(conn); !s.ok()) return s;
  log::info("connection deleted", {{"connection_id", conn.id}});
  return Status::Ok();
}

Result<std::vector<jf::User>> ConnectionService::users(const std::string& owner,
                                                       const std::string& id) {
  auto c = store_.get_owned(id, owner);
  if (!c.ok()) return c.error();
  if (!c->has_value()) return not_found(id);
  const Connection& conn = **c;
  if (conn.token_sealed.empty())
    return Error(errc::connection_not_ready,
                 "This connection has no credentials yet (it is " + conn.status + ").", 409);
  auto token = vault_.open(conn.id, conn.token_sealed);
  if (!token.ok()) return token.error();
  auto client = jf_.client(conn.server_url, conn.device_id, *token);
  auto list = client.users();
  if (!list.ok() && conn.home)
    log::best_effort(home_lost(conn, home_account_lost_reason(list.error())),
                     "ending the sessions of a user who lost access");
  return list;
}

Status ConnectionService::home_lost(const Connection& c, const std::string& reason) {
  if (reason.empty() || !c.home || !home_lost_) return Status::Ok();
  return home_lost_(c, reason);
}

Status ConnectionService::admit_new(const std::string& owner, const std::string& id, bool claim) {
  if (max_per_user_ <= 0) return Status::Ok();
  if (!claim) {
    auto n = store_.count(owner);
    if (!n.ok()) return n.error();
    if (*n >= max_per_user_) return too_many_connections(max_per_user_);
    return Status::Ok();
  }
  auto admitted = store_.claim_slot(owner, id, max_per_user_);
  if (!admitted.ok()) return admitted.error();
  if (!*admitted) return too_many_connections(max_per_user_);
  return Status::Ok();
}

Result<Connection> ConnectionService::choose_user(const std::string& owner, const std::string& id,
                                                  const std::string& user_id) {
  auto c = store_.get_owned(id, owner);
  if (!c.ok()) return c.error();
  if (!c->has_value()) return not_found(id);
  Connection conn = **c;
  if (conn.method != "api_key")
    return Error(errc::invalid_request,
                 "Only API-key connections let you choose the user; this one signs in as " +
                     conn.jf_user_name + ".",
                 400);
  auto token = vault_.open(conn.id, conn.token_sealed);
  if (!token.ok()) return token.error();
  auto client = jf_.client(conn.server_url, conn.device_id, *token);
  auto u = client.user(user_id);
  if (!u.ok()) {
    if (u.error().code == jf::errc::not_found || u.error().code == jf::errc::bad_request)
      return Error(errc::invalid_request, "'user_id' is not a user on " + conn.server_url + ".",
                   400);
    return u.error();
  }
  int64_t now = timeutil::now_unix_ms();
  conn.jf_user_id = u->id;
  conn.jf_user_name = u->name;
  conn.status = "active";
  conn.pending_reason.clear();
  conn.last_check_ms = now;
  conn.next_check_ms = now + t_.check_interval_ms;
  if (auto s = store_.save(conn); !s.ok()) return s.error();
  return conn;
}

Result<int> ConnectionService::check_due(int limit) {
  int64_t now = timeutil::now_unix_ms();
  auto ids = store_.claim_due(now, 60000, limit);
  if (!ids.ok()) return ids.error();
  int n = 0;
  for (const auto& id : *ids) {
    auto c = store_.get(id);
    if (!c.ok()) return c.error();
    if (!c->has_value()) {
      log::best_effort(store_.forget_due(id), "dropping a deleted connection from the check list");
      continue;
    }
    auto r = check(**c, false);
    if (!r.ok())
      log::warn("connection check failed", {{"connection_id", id}, {"error", r.error().message}});
    ++n;
  }
  return n;
}

}  // namespace jb::auth
