// The OpenAPI document (auth-service/openapi.json) and the registered routes
// must describe the same API: every route documented, every documented
// operation served.
#include "auth-service/routes.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "auth-service/security/security_handlers.h"
#include "auth-service/sessions/quickconnect_signin.h"
#include "common/core/crypto.h"
#include "common/core/json.h"

using namespace jb;

TEST(OpenApi, DocumentAndRoutesAgree) {
  const char* src = std::getenv("JB_SOURCE_DIR");
  if (src == nullptr || *src == 0) src = JB_SOURCE_DIR_DEFAULT;
  std::ifstream f(std::string(src) + "/auth-service/openapi.json");
  ASSERT_TRUE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  auto doc = json::parse(ss.str());
  ASSERT_TRUE(doc.ok()) << doc.error().message;

  std::set<std::string> documented;
  const auto* paths = json::member(*doc, "paths");
  ASSERT_NE(paths, nullptr);
  for (auto p = paths->MemberBegin(); p != paths->MemberEnd(); ++p)
    for (auto m = p->value.MemberBegin(); m != p->value.MemberEnd(); ++m) {
      std::string method = m->name.GetString();
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(method + " " + p->name.GetString());
    }

  // Real components, never started: registering routes only takes references.
  metrics::Registry reg;
  HealthState hs;
  RedisPool redis(RedisOptions{}, 1);
  auth::SessionStore sessions(redis, auth::SessionPolicy{});
  auth::Authenticator authenticator(sessions, false);
  auth::ConnectionStore store(redis);
  crypto::KeyRing ring;
  ring.add(crypto::KeyRing::generate("t"));
  auth::Vault vault(ring);
  auth::JellyfinAccess jf(auth::JellyfinAccessOptions{});
  auth::ConnectionService conns(redis, store, vault, jf);
  auth::HomeSignInService home(redis, store, vault, jf);
  auth::QuickConnectSignIn qc(redis, vault, jf, home, sessions);
  auth::SignInDeps signin{"http://home", &authenticator, &home, &qc};
  zmq::context_t zctx;
  RpcClientPool library(zctx, RpcClientOptions{"tcp://127.0.0.1:1"}, 1);
  sync::SyncStore sync_store(redis);
  auth::RunEventHub hub;
  auth::Deps deps{&reg,    &hs,    nullptr,  &authenticator, &conns,
                  &signin, &store, &library, &sync_store,    &hub};
  auth::AuditLog audit(redis, auth::AuditOptions{});
  deps.audit = &audit;
  auth::SignInGuard guard(redis, auth::EdgePolicy{});
  signin.guard = &guard;
  auth::SecondFactorStore factors(redis);
  auth::TotpService totp(redis, vault, factors, "t");
  auth::ChallengeStore challenges(redis);
  auth::SecurityDeps security{&authenticator, &totp, &factors, &challenges, &guard, &audit};
  auth::AppPasswordStore app_passwords(redis);
  auth::TrustedBrowserStore trusted(redis, std::string(32, 'k'), 1000);
  security.app_passwords = &app_passwords;
  security.trusted = &trusted;
  signin.security = &security;
  auth::PairingStore pairings(redis);
  auth::PairingDeps pairing{&authenticator, &pairings, &guard, &audit};
  deps.pairing = &pairing;
  auth::ChannelStore channels(redis, vault, 10);
  auth::NotificationOutbox outbox(redis);
  auth::ChannelDeps channel_deps{&authenticator, &channels, &outbox, &audit};
  deps.channels = &channel_deps;
  accounts::AdminAccess admin_access(redis, store, vault, jf, "http://home");
  accounts::InviteStore invites(redis, vault);
  accounts::ProfileStore profiles(redis);
  accounts::HumanCheck human(redis, std::string(32, 'h'), 1000, 60);
  accounts::SignUpService signups(redis, invites, profiles, admin_access, &human,
                                  accounts::PasswordRules{});
  accounts::AccountDeps account_deps;
  account_deps.auth = &authenticator;
  account_deps.admin = &admin_access;
  account_deps.invites = &invites;
  account_deps.profiles = &profiles;
  account_deps.signup = &signups;
  account_deps.human = &human;
  account_deps.audit = &audit;
  account_deps.guard = &guard;
  deps.accounts = &account_deps;
  accounts::LinkStore resets(redis, accounts::reset_links());
  accounts::ResetDeps reset_deps;
  reset_deps.auth = &authenticator;
  reset_deps.admin = &admin_access;
  reset_deps.resets = &resets;
  reset_deps.audit = &audit;
  deps.resets = &reset_deps;
  me::ContactStore contact_store(redis);
  me::ContactDeps contact_deps{&authenticator, &contact_store, &redis};
  deps.contacts = &contact_deps;
  auth::MessageChannelStore message_channels(redis, vault);
  auth::MessageDeps message_deps{&authenticator, &audit, &message_channels, &redis};
  deps.messages = &message_deps;
  accounts::BulkJobs bulk_jobs(redis);
  auth::RunEventHub bulk_hub;
  accounts::BulkDeps bulk_deps{&authenticator, &profiles, &bulk_jobs, &audit, &bulk_hub};
  deps.bulk = &bulk_deps;
  auto web = ui::build_web_bundle({{"index.html", "<!doctype html>"}});
  ASSERT_TRUE(web.ok());
  deps.web = &*web;
  http::ServerOptions o;
  http::Server server(o, reg);
  auth::register_routes(server, deps);
  std::set<std::string> served;
  for (auto [method, pattern] : server.routes()) {
    // OpenAPI has no "rest of the path" parameter: "{path*}" is documented as "{path}".
    if (auto star = pattern.find("*}"); star != std::string::npos) pattern.erase(star, 1);
    served.insert(method + " " + pattern);
  }

  for (const auto& s : served)
    EXPECT_TRUE(documented.count(s)) << s << " is served but not in openapi.json";
  for (const auto& d : documented)
    EXPECT_TRUE(served.count(d)) << d << " is documented but not served";
}
