// webauthn.cpp — see webauthn.h.
#include "auth-service/passkeys/webauthn.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <memory>

#include "common/core/crypto.h"
#include "common/core/text.h"

namespace jb::auth::webauthn {

namespace {

struct UrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

std::string url_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* v = nullptr;
  if (curl_url_get(u, part, &v, flags) != CURLUE_OK || v == nullptr) return "";
  std::string out(v);
  curl_free(v);
  return out;
}

// The client data checks both ceremonies share.
Status check_client_data(const ClientData& cd, const char* type, const Expected& ex) {
  if (cd.type != type)
    return Error(
        errc::passkey_wrong_type,
        "The passkey's answer is of type \"" + cd.type.substr(0, 32) + "\", not \"" + type + "\".",
        400);
  if (!crypto::equal_ct(crypto::sha256_hex(cd.challenge), ex.challenge_sha256))
    return Error(errc::passkey_challenge_mismatch,
                 "The passkey signed another challenge than the one issued.", 400);
  if (cd.origin != ex.rp.origin || cd.cross_origin)
    return Error(errc::passkey_origin_mismatch,
                 "The passkey was used on another site (" + cd.origin.substr(0, 128) +
                     ") than this one (" + ex.rp.origin + ").",
                 400);
  return Status::Ok();
}

// The authenticator data checks both ceremonies share.
Status check_authenticator_data(const AuthenticatorData& ad, const Expected& ex) {
  if (!crypto::equal_ct(ad.rp_id_hash, sha256(ex.rp.id)))
    return Error(errc::passkey_rp_mismatch,
                 "The passkey belongs to another site than " + ex.rp.id + ".", 400);
  if (!ad.has(kFlagUserPresent))
    return Error(errc::passkey_user_not_present,
                 "The authenticator did not confirm that a person was present.", 400);
  if (ex.user_verification && !ad.has(kFlagUserVerified))
    return Error(errc::passkey_user_not_verified,
                 "The authenticator did not verify the user (PIN, fingerprint or face), which "
                 "this use of a passkey requires.",
                 400);
  if (ad.has(kFlagBackedUp) && !ad.has(kFlagBackupEligible))
    return Error(errc::passkey_malformed,
                 "The passkey's data is unreadable: backed up but not backup eligible.", 400);
  return Status::Ok();
}

}  // namespace

std::string sha256(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr) != 1) return "";
  return std::string(reinterpret_cast<const char*>(out), len);
}

bool counter_regressed(uint32_t stored, uint32_t now) {
  return (stored != 0 || now != 0) && now <= stored;
}

Result<RelyingParty> relying_party(std::string_view public_url) {
  Error bad(errc::invalid_request,
            "JB_PUBLIC_URL must be an http or https URL with a host, such as "
            "https://media.example.org.",
            400);
  std::unique_ptr<CURLU, UrlFree> u(curl_url());
  if (!u || public_url.empty() ||
      curl_url_set(u.get(), CURLUPART_URL, std::string(public_url).c_str(), 0) != CURLUE_OK)
    return bad;
  const std::string scheme = text::to_lower(url_part(u.get(), CURLUPART_SCHEME));
  const std::string host = text::to_lower(url_part(u.get(), CURLUPART_HOST));
  if ((scheme != "http" && scheme != "https") || host.empty()) return bad;
  const std::string port = url_part(u.get(), CURLUPART_PORT, CURLU_NO_DEFAULT_PORT);
  RelyingParty rp;
  rp.id = host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  rp.origin = scheme + "://" + host + (port.empty() ? "" : ":" + port);
  return rp;
}

Result<NewCredential> verify_registration(std::string_view client_data_json,
                                          std::string_view attestation_object,
                                          const Expected& expected) {
  auto cd = parse_client_data(client_data_json);
  if (!cd.ok()) return cd.error();
  if (auto s = check_client_data(*cd, "webauthn.create", expected); !s.ok()) return s.error();
  auto att = parse_attestation_object(attestation_object);
  if (!att.ok()) return att.error();
  auto ad = parse_authenticator_data(att->auth_data);
  if (!ad.ok()) return ad.error();
  if (auto s = check_authenticator_data(*ad, expected); !s.ok()) return s.error();
  if (!ad->has(kFlagAttestedData) || !ad->attested)
    return Error(errc::passkey_malformed,
                 "The passkey's data is unreadable: it carries no credential.", 400);
  auto key = parse_cose_key(ad->attested->public_key);
  if (!key.ok()) return key.error();
  NewCredential out;
  out.credential_id = ad->attested->credential_id;
  out.key = std::move(*key);
  out.sign_count = ad->sign_count;
  out.user_verified = ad->has(kFlagUserVerified);
  out.backup_eligible = ad->has(kFlagBackupEligible);
  out.backed_up = ad->has(kFlagBackedUp);
  out.fmt = att->fmt;
  return out;
}

Result<AssertionResult> verify_assertion(const Assertion& a, const Expected& expected,
                                         const PublicKey& key, uint32_t stored_count) {
  auto cd = parse_client_data(a.client_data_json);
  if (!cd.ok()) return cd.error();
  if (auto s = check_client_data(*cd, "webauthn.get", expected); !s.ok()) return s.error();
  auto ad = parse_authenticator_data(a.authenticator_data);
  if (!ad.ok()) return ad.error();
  if (auto s = check_authenticator_data(*ad, expected); !s.ok()) return s.error();
  if (auto s =
          verify_signature(key, a.authenticator_data + sha256(a.client_data_json), a.signature);
      !s.ok())
    return s.error();
  if (counter_regressed(stored_count, ad->sign_count))
    return Error(errc::passkey_counter_regressed,
                 "This passkey's signature counter went backwards, so it may be a copy of the "
                 "authenticator; it was refused.",
                 401);
  return AssertionResult{ad->sign_count, ad->has(kFlagUserVerified), ad->has(kFlagBackedUp)};
}

}  // namespace jb::auth::webauthn
