// auth-service: the public HTTP API (Pistache), sessions, connections and the
// token vault. main() only wires components together: config → logs → Redis →
// ZMQ (library RPC clients, event subscriber, vault RPC with CURVE + ZAP) →
// services → routes → HTTP server → wait for SIGTERM → drain → exit 0.
#include <sys/resource.h>

#include <algorithm>
#include <set>
#include <zmq.hpp>

#include "auth-service/accounts/account_handlers.h"
#include "auth-service/accounts/bulk_handlers.h"
#include "auth-service/accounts/reset_handlers.h"
#include "auth-service/audit/audit_log.h"
#include "auth-service/cli.h"
#include "auth-service/config.h"
#include "auth-service/connections/checker.h"
#include "auth-service/connections/connection_service.h"
#include "auth-service/connections/connection_store.h"
#include "auth-service/health/health.h"
#include "auth-service/passkeys/passkey_store.h"
#include "auth-service/passkeys/webauthn.h"
#include "auth-service/passkeys/webauthn_challenges.h"
#include "auth-service/routes.h"
#include "auth-service/security/app_password_store.h"
#include "auth-service/security/challenge_store.h"
#include "auth-service/security/email_store.h"
#include "auth-service/security/pairing_store.h"
#include "auth-service/security/second_factor_store.h"
#include "auth-service/security/totp_service.h"
#include "auth-service/security/trusted_browsers.h"
#include "auth-service/sessions/account_revoker.h"
#include "auth-service/sessions/authenticator.h"
#include "auth-service/sessions/quickconnect_signin.h"
#include "auth-service/sessions/session_cache.h"
#include "auth-service/sync_api/event_intake.h"
#include "auth-service/ui/ui_routes.h"
#include "auth-service/ui/web_files.h"
#include "auth-service/vault/vault_rpc.h"
#include "common/accounts/account_clock.h"
#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/metrics.h"
#include "common/core/periodic.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/events.h"
#include "common/net/http_server.h"
#include "common/net/rpc_pool.h"
#include "common/net/zap.h"
#include "common/redis/client.h"
#include "common/redis/subscriber.h"
#include "common/service/signals.h"
#include "common/sync/store.h"

int main(int argc, char** argv) {
  if (auto code = jb::auth::run_cli(argc, argv)) return *code;
  jb::block_shutdown_signals();
  jb::log::set_service("auth-service");
  jb::Env env = jb::Env::from_process();
  jb::ConfigReader reader(env);
  jb::auth::Config cfg = jb::auth::load_config(reader);
  reader.exit_on_error();
  jb::log::set_level(cfg.common.log_level);
  auto web = jb::ui::load_web_bundle(cfg.ui_dir.empty() ? JB_WEB_DIR_DEFAULT : cfg.ui_dir);
  if (!web.ok()) {
    std::string why = web.error().message;
    jb::log::error("the web front end cannot be served (JB_UI_DIR)", {{"error", why}});
    return 1;
  }

  auto& registry = jb::metrics::global();
  jb::RedisPool redis(cfg.common.redis, cfg.common.redis_pool);
  zmq::context_t zctx;

  // Library-service RPC (health and, later, library calls).
  jb::RpcClientOptions lo;
  lo.endpoint = cfg.library_rpc_url;
  lo.timeout_ms = cfg.rpc_timeout_ms;
  lo.attempts = 2;
  lo.peer_name = "library-service";
  lo.curve = cfg.library_client.client;
  lo.server_public_z85 = cfg.library_client.server_public;
  lo.max_msg_bytes = cfg.rpc_max_msg_bytes;
  jb::RpcClientPool library(zctx, lo, 32);

  // One ZAP handler for the process's CURVE servers, an allowlist per domain:
  // the vault's clients and the events channel's publishers.
  jb::ZapAuthenticator zap(zctx, cfg.vault_server.allowed);
  jb::EventSubscriberOptions so;
  so.curve = cfg.events_server.keys;
  so.max_msg_bytes = cfg.events_max_msg_bytes;
  zap.set_allowed(so.zap_domain, cfg.events_server.allowed);

  // Run events: the workers' "run" events only say which run changed; the
  // hub reads the record and its revision from Redis on its own thread.
  jb::auth::RunRevisions run_revisions(redis);
  jb::auth::EventHubOptions eo;
  eo.heartbeat_ms = cfg.sse_heartbeat_ms;
  eo.max_streams = cfg.sse_max_streams;
  eo.max_streams_per_user = cfg.sse_max_streams_per_user;
  jb::auth::RunEventHub run_events(
      eo, [&](const std::string& id) { return run_revisions.current(id); });
  // Each open stream holds two descriptors (Pistache's and the stream's own):
  // raise the soft limit towards the hard one so the configured streams fit.
  if (rlimit nofile{}; getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    rlim_t want = static_cast<rlim_t>(2 * cfg.sse_max_streams + 1024);
    if (nofile.rlim_cur != RLIM_INFINITY && nofile.rlim_cur < want) {
      nofile.rlim_cur = nofile.rlim_max == RLIM_INFINITY ? want : std::min(want, nofile.rlim_max);
      (void)setrlimit(RLIMIT_NOFILE, &nofile);
      if (nofile.rlim_cur < want)
        jb::log::warn("the file descriptor limit is low for JB_SSE_MAX_STREAMS",
                      {{"limit", static_cast<int64_t>(nofile.rlim_cur)},
                       {"wanted", static_cast<int64_t>(want)}});
    }
  }
  // Only known topics with well-formed ids reach the hub (event_intake.h).
  jb::auth::EventIntake intake([&](const std::string& run_id) { run_events.publish(run_id); },
                               registry);
  // Bulk jobs' live events take the same path, to a hub of their own (bulk_handlers.h).
  jb::accounts::BulkJobs bulk_jobs(redis);
  jb::auth::RunEventHub bulk_events(
      eo, [&](const std::string& id) { return jb::accounts::bulk_snapshot(bulk_jobs, id); });
  intake.on_bulk([&](const std::string& id) { bulk_events.publish(id); });
  jb::EventSubscriber events(
      zctx, cfg.events_bind, {}, [&](const jb::Event& e) { intake.on_event(e); }, so);
  jb::sync::SyncStore sync_store(redis);
  // The hash-chained audit log, trimmed to its retention now and then.
  jb::auth::AuditOptions ao;
  ao.retention_days = cfg.audit_retention_days;
  ao.max_entries = cfg.audit_max_entries;
  jb::auth::AuditLog audit(redis, ao);
  jb::PeriodicTask audit_trim(std::chrono::seconds(cfg.audit_trim_interval_s), [&audit] {
    jb::log::best_effort(audit.trim(), "audit retention trim");
  });

  // Services.
  jb::auth::SessionPolicy sp;
  sp.idle_ms = cfg.session_idle_s * 1000;
  sp.max_ms = cfg.session_max_s * 1000;
  jb::auth::SessionCache session_cache(cfg.session_cache_ms);
  jb::auth::SessionStore sessions(redis, sp, &session_cache);
  // Revocations on any instance reach every instance's cache.
  jb::RedisSubscriber revocations(
      cfg.common.redis, jb::auth::SessionStore::kRevokedChannel,
      [&](const std::string&, const std::string& msg) { sessions.on_revoked(msg); },
      [&] { session_cache.clear(); });
  jb::auth::Authenticator authenticator(sessions,
                                        jb::text::istarts_with(cfg.public_url, "https://"));
  jb::auth::ConnectionStore store(redis);
  jb::auth::JellyfinAccessOptions jo;
  jo.http.timeout_ms = cfg.jellyfin_timeout_ms;
  jo.http.verify_tls = cfg.jellyfin_tls_verify;
  jo.http.ca_file = cfg.jellyfin_ca_file;
  jo.http.outbound = cfg.outbound;
  jb::auth::JellyfinAccess jellyfin(jo);
  jb::auth::ConnectionTiming timing;
  timing.check_interval_ms = cfg.check_interval_s * 1000;
  timing.home_check_interval_ms = cfg.home_check_interval_s * 1000;
  timing.qc_poll_ms = cfg.quickconnect_poll_ms;
  jb::auth::ConnectionService connections(redis, store, *cfg.vault, jellyfin, timing);
  jb::auth::HomeSignInService home(redis, store, *cfg.vault, jellyfin, timing, cfg.lan_cidrs);
  home.set_admin_set(cfg.admin_set);  // JB_ADMIN_USERS / JB_ADMIN_EXCLUDE
  jb::auth::QuickConnectSignIn quickconnect(redis, *cfg.vault, jellyfin, home, sessions, timing);
  // A user whose Jellyfin account lost access (token rejected, disabled,
  // deleted) loses every suite session at once (home_account.h).
  // App passwords: Bearer credentials for the API (security/app_password_store.h).
  jb::auth::AppPasswordStore app_passwords(redis);
  authenticator.set_app_passwords(&app_passwords);
  jb::auth::AccountRevoker account_revoker(sessions, &audit, &app_passwords);
  connections.on_home_account_lost([&](const jb::auth::Connection& home, const std::string& why) {
    return account_revoker.on_home_account_lost(home, why);
  });
  connections.set_max_per_user(cfg.caps.max_connections);
  jb::auth::ConnectionChecker checker(connections, cfg.check_tick_ms);

  // The vault RPC: CURVE, and only allow-listed service keys get an answer.
  jb::auth::VaultRpc vault_rpc(store, *cfg.vault);
  // Security notifications: each user's channels (secrets sealed by the vault,
  // handed to sync-worker through the vault RPC) and the outbox that turns
  // audited events into notify.send work items (auth-service/notify/outbox.h).
  jb::auth::ChannelStore channels(redis, *cfg.vault, 10);
  vault_rpc.set_channels(&channels);
  // The users' email addresses (security/email_store.h): email channels deliver
  // to the confirmed one, looked up by the vault RPC at each delivery.
  jb::auth::EmailStore emails(redis);
  vault_rpc.set_emails(&emails);
  // Account messages: the channels admins configure (secrets sealed, handed to
  // sync-worker through the vault RPC's message_channel) and their templates.
  jb::auth::MessageChannelStore message_channels(redis, *cfg.vault);
  vault_rpc.set_message_channels(&message_channels);
  jb::auth::NotificationOutbox outbox(redis);
  audit.set_observer([&outbox](const jb::auth::AuditEvent& e) { outbox.on_audit(e); });
  jb::RpcServerOptions vo;
  vo.bind = cfg.vault_bind;
  vo.threads = 4;
  vo.name = "vault";
  vo.curve = cfg.vault_server.keys;
  vo.max_msg_bytes = cfg.rpc_max_msg_bytes;
  jb::RpcServer vault_server(zctx, vo, [&](const std::string& m, const std::string& p) {
    registry.counter("jb_vault_requests_total", "Vault RPC requests", {{"method", m}}).inc();
    return vault_rpc.dispatch(m, p);
  });

  jb::HealthState health_state;
  jb::auth::HealthChecker health(redis, library);
  // Rate limits, lockout and bans, shared by every replica through Redis; the
  // LAN and the trusted proxies are never banned.
  jb::auth::SignInGuard guard(redis, cfg.edge, [&cfg](const std::string& ip) {
    return cfg.lan_cidrs.contains(ip) || cfg.trusted_proxies.contains(ip);
  });
  // Second factors: an authenticator app (TOTP) with recovery codes; sign-in is
  // two steps for the users who set one up.
  jb::auth::SecondFactorStore factors(redis);
  jb::auth::TotpService totp(redis, *cfg.vault, factors, "Jellybridge");
  jb::auth::ChallengeStore challenges(redis);
  // Remembered browsers, whose cookies are signed with a key of their own
  // derived from the vault's.
  jb::auth::TrustedBrowserStore trusted_browsers(redis, cfg.vault->derive_key(1, "jbtrust1"),
                                                 cfg.trusted_browser_ttl_s * 1000);
  jb::auth::SecurityDeps security{&authenticator, &totp, &factors, &challenges, &guard, &audit};
  security.app_passwords = &app_passwords;
  security.policy = cfg.second_factor_policy;
  security.grace_ms = cfg.second_factor_grace_s * 1000;
  if (cfg.trusted_browser_ttl_s > 0) security.trusted = &trusted_browsers;
  // Email codes: with JB_SMTP_URL set, a confirmed address is a further method.
  jb::SmtpClient smtp(cfg.smtp);
  if (cfg.smtp.enabled()) {
    security.email = &emails;
    security.smtp = &smtp;
  }
  security.public_url = cfg.public_url;
  // Passkeys: the relying party is JB_PUBLIC_URL (without it the routes answer 503).
  jb::auth::PasskeyStore passkeys(redis);
  jb::auth::WebAuthnChallenges webauthn(redis);
  security.passkeys = &passkeys;
  security.webauthn = &webauthn;
  if (!cfg.public_url.empty()) {
    auto rp = jb::auth::webauthn::relying_party(cfg.public_url);
    if (rp.ok())
      security.rp = *rp;
    else
      jb::log::warn("passkeys are off: JB_PUBLIC_URL has no usable host",
                    {{"error", rp.error().message}});
  }
  security.email_code_ttl_ms = cfg.email_code_ttl_s * 1000;
  if (cfg.second_factor_lan_bypass) {
    security.lan = &cfg.lan_cidrs;
    security.trusted_proxies = &cfg.trusted_proxies;
  }
  jb::auth::SignInDeps signin{cfg.home_url, &authenticator, &home,    &quickconnect,
                              &guard,       &audit,         &security};
  // Device pairing: TVs and native clients that cannot answer a challenge are
  // approved from a signed-in session and get a session of their own.
  jb::auth::PairingOptions po;
  po.lifetime_ms = cfg.pairing_ttl_s * 1000;
  jb::auth::PairingStore pairings(redis, po);
  jb::auth::PairingDeps pairing{&authenticator, &pairings, &guard, &audit};
  jb::auth::Deps deps{&registry, &health_state, &health,  &authenticator, &connections,
                      &signin,   &store,        &library, &sync_store,    &run_events};
  deps.audit = &audit;
  deps.pairing = &pairing;
  jb::auth::ChannelDeps channel_deps{&authenticator, &channels, &outbox, &audit};
  if (cfg.smtp.enabled()) channel_deps.email = &emails;  // email channels need JB_SMTP_URL
  deps.channels = &channel_deps;
  deps.max_pairs_per_user = cfg.caps.max_pairs;

  // Account management (accounts/): invites and sign-up, permission profiles,
  // all Jellyfin administration through one designated admin connection whose
  // rights are checked now and every home check interval (shown in health).
  jb::accounts::AdminAccess admin_access(redis, store, *cfg.vault, jellyfin, cfg.home_url);
  health.set_admin_state([&admin_access] {
    jb::json::Writer w;
    jb::accounts::write_admin_state(w, admin_access.last());
    return w.str();
  });
  jb::PeriodicTask admin_check(std::chrono::seconds(cfg.home_check_interval_s), [&admin_access] {
    admin_access.check(jb::timeutil::now_unix_ms());
  });
  jb::accounts::InviteStore invites(redis, *cfg.vault, cfg.signup_hold_s * 1000);
  jb::accounts::ProfileStore profiles(redis);
  jb::accounts::HumanCheck human_check(redis, cfg.vault->derive_key(2, "jbhuman1"),
                                       cfg.human_check_maxnumber, cfg.human_check_ttl_s);
  jb::accounts::SignUpService signups(redis, invites, profiles, admin_access, &human_check,
                                      cfg.password_rules);
  // Sign-ups cut short (a killed replica) are undone once their hold lapsed.
  jb::PeriodicTask signup_recovery(std::chrono::seconds(cfg.signup_hold_s), [&signups] {
    jb::log::best_effort(signups.recover(jb::timeutil::now_unix_ms()), "sign-up recovery");
  });
  // Links expire by this clock (tests only: moved by a Redis key, JB_TEST_CLOCK).
  std::function<int64_t()> link_clock = jb::accounts::account_clock(redis, cfg.test_clock);
  jb::accounts::LinkStore contacts(redis, jb::accounts::contact_links());
  if (cfg.smtp.enabled()) signups.set_contacts(&contacts, &emails, link_clock);
  jb::accounts::AccountDeps account_deps;
  account_deps.auth = &authenticator;
  account_deps.admin = &admin_access;
  account_deps.invites = &invites;
  account_deps.profiles = &profiles;
  account_deps.signup = &signups;
  account_deps.human = &human_check;
  account_deps.audit = &audit;
  account_deps.guard = &guard;
  account_deps.public_url = cfg.public_url;
  account_deps.server_name = cfg.common.server_name;
  account_deps.redis = &redis;
  account_deps.totp = &totp;
  account_deps.passkeys = &passkeys;
  account_deps.emails = &emails;
  account_deps.contacts = &contacts;
  if (cfg.smtp.enabled()) account_deps.smtp = &smtp;
  account_deps.now_ms = link_clock;
  account_deps.signup_contact_invite = cfg.signup_contact_invite;
  deps.accounts = &account_deps;
  // Password resets: links by email (JB_SMTP_URL), looked up and sent off the
  // request's thread so the public answer says nothing about the account.
  jb::accounts::LinkStore resets(redis, jb::accounts::reset_links());
  jb::accounts::ResetDeps reset_deps;
  jb::ThreadPool reset_pool(2, 256, "reset");  // after its deps: joined before they go
  reset_deps.auth = &authenticator;
  reset_deps.admin = &admin_access;
  reset_deps.resets = &resets;
  reset_deps.emails = &emails;
  if (cfg.smtp.enabled()) reset_deps.smtp = &smtp;
  reset_deps.sessions = &sessions;
  reset_deps.audit = &audit;
  reset_deps.guard = &guard;
  reset_deps.pool = &reset_pool;
  reset_deps.rules = cfg.password_rules;
  reset_deps.public_url = cfg.public_url;
  reset_deps.server_name = cfg.common.server_name;
  reset_deps.answer_ms = cfg.reset_answer_ms;
  reset_deps.now_ms = link_clock;
  reset_deps.templates = &redis;  // the admins' "reset" template (auth-service/messages)
  deps.resets = &reset_deps;
  // The user's own Telegram/Matrix contact details, confirmed by a code sent
  // as a "confirmation" message (me/contact_handlers.h).
  jb::me::ContactStore contact_store(redis);
  jb::me::ContactDeps contact_deps;
  contact_deps.auth = &authenticator;
  contact_deps.contacts = &contact_store;
  contact_deps.redis = &redis;
  contact_deps.emails = &emails;
  contact_deps.guard = &guard;
  contact_deps.audit = &audit;
  contact_deps.now_ms = link_clock;
  deps.contacts = &contact_deps;
  jb::auth::MessageDeps message_deps{&authenticator, &audit, &message_channels, &redis,
                                     cfg.common.server_name};
  deps.messages = &message_deps;
  // Bulk actions on users: jobs carried out by the sync workers (bulk_handlers.h).
  jb::accounts::BulkDeps bulk_deps{&authenticator, &profiles, &bulk_jobs, &audit, &bulk_events};
  deps.bulk = &bulk_deps;

  jb::http::ServerOptions ho;
  ho.name = "api";
  ho.host = cfg.http_host;
  ho.port = cfg.http_port;
  ho.reactor_threads = cfg.http_threads;
  ho.pool_threads = cfg.handler_threads;
  ho.max_body_bytes = static_cast<size_t>(cfg.max_body_bytes);
  ho.trusted_proxies = cfg.trusted_proxies;
  if (std::string both = cfg.trusted_proxies.overlap(cfg.lan_cidrs); !both.empty())
    jb::log::warn(
        "JB_TRUSTED_PROXIES and JB_LAN_CIDRS overlap: a request from such a proxy "
        "without X-Forwarded-For counts as local (never banned, remote access allowed)",
        {{"overlap", both}});
  ho.default_headers = jb::ui::security_headers();
  ho.hsts = jb::ui::kHsts;
  ho.always_https = jb::text::istarts_with(cfg.public_url, "https://");
  jb::http::Server server(ho, registry);
  deps.web = &*web;
  jb::auth::register_routes(server, deps);

  // The ZAP handler first: a CURVE socket that binds before it would admit anyone.
  for (jb::Status s : {zap.start(), events.start(), vault_server.start(), server.start()}) {
    if (!s.ok()) {
      jb::log::error("cannot start", {{"error", s.error().message}});
      return 1;
    }
  }
  checker.start();
  admin_check.start();
  signup_recovery.start();
  audit_trim.start();
  revocations.start();
  run_events.start();
  bulk_events.start();
  jb::log::lifecycle("ready", {{"http_port", static_cast<int>(server.port())},
                               {"events_endpoint", events.endpoint()},
                               {"vault_endpoint", vault_server.endpoint()},
                               {"vault_public_key", cfg.vault_server.keys.public_z85},
                               {"events_public_key", cfg.events_server.keys.public_z85},
                               {"home_server", cfg.home_url}});

  int sig = jb::wait_for_shutdown_signal();
  jb::log::lifecycle("shutting down", {{"signal", jb::signal_name(sig)}});
  health_state.stopping = true;
  run_events.stop();  // ends every open event stream (clients reconnect, maybe elsewhere)
  bulk_events.stop();
  server.stop();  // finishes queued requests, then stops the reactors
  checker.stop();
  admin_check.stop();
  signup_recovery.stop();
  audit_trim.stop();
  revocations.stop();
  vault_server.stop(2000);
  events.stop();
  zap.stop();  // last: a CURVE socket without its ZAP handler would admit anyone
  jb::log::lifecycle("stopped");
  return 0;
}
