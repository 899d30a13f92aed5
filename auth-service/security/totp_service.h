// totp_service.h — WIP (issue 12): a user's authenticator app. Enrolment
// starts with a fresh 160-bit secret, kept sealed (the vault's key,
// XChaCha20-Poly1305, AAD = user id) as pending for 10 minutes; it becomes
// the user's second factor only when a correct code confirms it, which also
// issues the first recovery codes. Every accepted code raises the replay floor
// (second_factor_store.h), so a code works once — on any replica, after a
// restart.
//
// Redis keys:
//   jb:user:<uid>:2fa:totp          string  the sealed secret (active)
//   jb:user:<uid>:2fa:totp_pending  string  the sealed secret being enrolled (10 min)
//
// Thread-safety: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth-service/security/second_factor_store.h"
#include "auth-service/vault/vault.h"
#include "common/core/result.h"
#include "common/redis/client.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* no_enrolment = "no_enrolment";  // 409: confirm without a started enrolment
constexpr const char* wrong_code = "wrong_code";      // 400: the code does not match
constexpr const char* totp_not_enabled = "totp_not_enabled";  // 409: no authenticator to use
constexpr const char* totp_enabled = "totp_enabled";  // 409: re-enrolment needs a current code
}  // namespace jb::errc

namespace jb::auth {

struct TotpEnrolment {
  std::string secret_base32;  // for typing into an app by hand
  std::string uri;            // otpauth://… (what the QR code carries)
  std::string qr_svg;         // the QR code of `uri`
  int64_t expires_ms = 0;
};

class TotpService {
 public:
  static constexpr int64_t kPendingMs = 10 * 60 * 1000;

  TotpService(RedisPool& redis, const Vault& vault, SecondFactorStore& factors, std::string issuer)
      : redis_(redis), vault_(vault), factors_(factors), issuer_(std::move(issuer)) {}

  Result<bool> enabled(const std::string& user_id);
  Result<TotpEnrolment> begin(const std::string& user_id, const std::string& account_name);
  // A correct code for the pending secret makes it active: the new recovery codes
  // (display form, shown once).
  Result<std::vector<std::string>> confirm(const std::string& user_id, const std::string& code,
                                           int64_t now_s);
  // A code of the active secret, accepted once (the replay floor).
  Result<bool> verify(const std::string& user_id, const std::string& code, int64_t now_s);
  Status disable(const std::string& user_id);

  static std::string active_key(const std::string& user_id);
  static std::string pending_key(const std::string& user_id);

 private:
  Result<std::string> secret_of(const std::string& key, const std::string& user_id);
  RedisPool& redis_;
  const Vault& vault_;
  SecondFactorStore& factors_;
  std::string issuer_;
};

}  // namespace jb::auth
