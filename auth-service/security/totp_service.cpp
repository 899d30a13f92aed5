// totp_service.cpp — see totp_service.h.
#include "auth-service/security/totp_service.h"

#include "common/core/base32.h"
#include "common/core/otp.h"
#include "common/core/qr_svg.h"
#include "common/core/random.h"
#include "common/core/recovery_codes.h"
#include "common/core/time.h"

namespace jb::auth {

std::string TotpService::active_key(const std::string& user_id) {
  return "jb:user:" + user_id + ":2fa:totp";
}

std::string TotpService::pending_key(const std::string& user_id) {
  return "jb:user:" + user_id + ":2fa:totp_pending";
}

Result<bool> TotpService::enabled(const std::string& user_id) {
  auto r = redis_.command({"EXISTS", active_key(user_id)});
  if (!r.ok()) return r.error();
  return r->integer == 1;
}

Result<std::string> TotpService::secret_of(const std::string& key, const std::string& user_id) {
  auto r = redis_.command({"GET", key});
  if (!r.ok()) return r.error();
  if (!r->is_string()) return std::string();
  return vault_.open(user_id, r->str);
}

Result<TotpEnrolment> TotpService::begin(const std::string& user_id,
                                         const std::string& account_name) {
  const std::string secret = rnd::bytes(20);
  auto sealed = vault_.seal(user_id, secret);
  if (!sealed.ok()) return sealed.error();
  auto r = redis_.command({"SET", pending_key(user_id), *sealed, "PX", std::to_string(kPendingMs)});
  if (!r.ok()) return r.error();
  TotpEnrolment e;
  e.secret_base32 = base32::encode(secret);
  e.uri = otp::otpauth_uri(issuer_, account_name, e.secret_base32);
  auto svg = qr::svg(e.uri);
  if (!svg.ok()) return svg.error();
  e.qr_svg = std::move(*svg);
  e.expires_ms = timeutil::now_unix_ms() + kPendingMs;
  return e;
}

Result<std::vector<std::string>> TotpService::confirm(const std::string& user_id,
                                                      const std::string& code, int64_t now_s) {
  auto secret = secret_of(pending_key(user_id), user_id);
  if (!secret.ok()) return secret.error();
  if (secret->empty())
    return Error(errc::no_enrolment,
                 "No authenticator enrolment is under way (it lasts 10 minutes); start again.",
                 409);
  auto step = otp::totp_match(*secret, code, now_s);
  if (!step)
    return Error(errc::wrong_code, "That code does not match; check the app's clock.", 400);
  auto fresh = factors_.accept_step(user_id, *step);
  if (!fresh.ok()) return fresh.error();
  if (!*fresh)
    return Error(errc::wrong_code, "That code was already used; wait for the next.", 400);
  auto codes = recovery::generate();
  if (auto s = factors_.set_recovery_codes(user_id, codes); !s.ok()) return s.error();
  auto sealed = redis_.command({"GET", pending_key(user_id)});
  if (!sealed.ok()) return sealed.error();
  if (!sealed->is_string())
    return Error(errc::no_enrolment, "The enrolment expired meanwhile; start again.", 409);
  auto r = redis_.pipeline({{"MULTI"},
                            {"SET", active_key(user_id), sealed->str},
                            {"DEL", pending_key(user_id)},
                            {"EXEC"}});
  if (!r.ok()) return r.error();
  return codes;
}

Result<bool> TotpService::verify(const std::string& user_id, const std::string& code,
                                 int64_t now_s) {
  auto secret = secret_of(active_key(user_id), user_id);
  if (!secret.ok()) return secret.error();
  if (secret->empty()) return false;
  auto step = otp::totp_match(*secret, code, now_s);
  if (!step) return false;
  return factors_.accept_step(user_id, *step);
}

Status TotpService::disable(const std::string& user_id) {
  auto r = redis_.pipeline({{"DEL", active_key(user_id)}, {"DEL", pending_key(user_id)}});
  if (!r.ok()) return r.error();
  return factors_.clear_recovery_codes(user_id);
}

}  // namespace jb::auth
