// signin_flow.cpp — see signin_flow.h.
#include "auth-service/edge/signin_flow.h"

#include <chrono>
#include <optional>
#include <thread>

#include "common/core/log.h"
#include "common/jellyfin/errors.h"

namespace jb::auth {

namespace {

AuditEvent event(std::string type, const std::string& user_id, const std::string& user_name,
                 const std::string& ip, std::string outcome,
                 std::vector<std::pair<std::string, std::string>> detail = {}) {
  return AuditEvent{std::move(type),    user_id,          user_name, "", ip,
                    std::move(outcome), std::move(detail)};
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Result<HomeSignIn> guarded_sign_in(
    SignInGuard* guard, AuditLog* audit, const std::string& ip, const std::string& username,
    const std::function<Result<HomeSignIn>()>& sign_in, const std::string& device,
    const std::function<std::string(const std::string& username)>& known_user) {
  const int64_t started = steady_ms();
  const std::string name = account_name(username);
  SignInAttempt attempt;
  if (guard != nullptr) {
    auto adm = guard->admit_sign_in(ip, username);
    if (!adm.ok()) return adm.error();
    if (adm->refused) {
      log::info("sign-in refused by the edge", {{"reason", adm->refused->reason}});
      audit_best_effort(
          audit, event("signin.failure", "", name, ip, "fail", {{"reason", adm->refused->reason}}));
      return adm->refused->error;
    }
    attempt = adm->attempt;
  }

  auto home = sign_in();
  if (home.ok()) {
    if (guard != nullptr)
      log::best_effort(guard->settle_success(attempt), "clearing an account's sign-in failures");
    std::vector<std::pair<std::string, std::string>> detail{{"method", "password"}};
    if (!device.empty()) detail.emplace_back("device", device);
    audit_best_effort(audit, event("signin.success", home->user.id, home->user.name, ip, "ok",
                                   std::move(detail)));
    return home;
  }

  bool seen = false;
  if (guard != nullptr && home.error().code == jf::errc::bad_credentials) {
    auto s = guard->name_seen(username);
    seen = s.ok() && *s;
  }
  auto reason = credential_failure_reason(home.error(), seen);
  if (!reason) {  // Jellyfin could not answer: the attempt does not count
    if (guard != nullptr)
      log::best_effort(guard->settle_neutral(attempt), "giving a sign-in attempt back");
    return home.error();
  }
  log::info("sign-in failed", {{"reason", *reason}});
  audit_best_effort(audit, event("signin.failure", "", name, ip, "fail", {{"reason", *reason}}));
  if (guard != nullptr) {
    // Whose account this is, asked once and only when there is something to tell them.
    std::optional<std::string> owner;
    auto owner_id = [&]() -> const std::string& {
      if (!owner) owner = known_user ? known_user(username) : std::string();
      return *owner;
    };
    if (attempt.locked_account) {
      log::warn("account locked after repeated failed sign-ins", {{"ip", ip}});
      audit_best_effort(audit,
                        event("lockout", owner_id(), name, ip, "info",
                              {{"failures", std::to_string(guard->policy().lockout_failures)},
                               {"duration_s", std::to_string(guard->policy().lockout_ms / 1000)}}));
    }
    auto fx = guard->settle_failure(attempt);
    if (!fx.ok()) {
      log::best_effort(fx, "counting a failed sign-in against its address");
    } else if (fx->banned_now) {
      log::warn("address banned after repeated failed sign-ins", {{"ip", attempt.ip_key}});
      audit_best_effort(audit,
                        event("ban", owner_id(), name, ip, "info",
                              {{"banned_ip", attempt.ip_key},
                               {"failures", std::to_string(fx->ip_failures)},
                               {"duration_s", std::to_string(guard->policy().ban_ms / 1000)}}));
    }
    int64_t pad = failure_padding_ms(steady_ms() - started, guard->policy().failure_min_ms);
    if (pad > 0) std::this_thread::sleep_for(std::chrono::milliseconds(pad));
  }
  return sign_in_failed_error();
}

std::optional<Error> refuse_quickconnect(SignInGuard* guard, AuditLog* audit,
                                         const std::string& ip) {
  if (guard == nullptr) return std::nullopt;
  auto r = guard->admit_quickconnect(ip);
  if (!r.ok()) return r.error();
  if (!*r) return std::nullopt;
  audit_best_effort(audit, event("signin.failure", "", "", ip, "fail",
                                 {{"reason", (*r)->reason}, {"method", "quickconnect"}}));
  return (*r)->error;
}

}  // namespace jb::auth
