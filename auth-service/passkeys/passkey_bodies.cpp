// passkey_bodies.cpp — see passkey_bodies.h.
#include "auth-service/passkeys/passkey_bodies.h"

#include "common/core/base64url.h"
#include "common/core/text.h"

namespace jb::auth {

namespace {

// Limits on the base64url text of each binary field (generous for real authenticators).
constexpr size_t kMaxIdText = 1400;            // 1023 bytes
constexpr size_t kMaxClientDataText = 16384;   // clientDataJSON
constexpr size_t kMaxAttestationText = 65536;  // attestationObject (certificates inside)
constexpr size_t kMaxAuthDataText = 16384;     // authenticatorData
constexpr size_t kMaxSignatureText = 2048;     // an RSA-8192 signature fits
constexpr size_t kMaxUserHandleText = 88;      // 64 bytes

// Problems of a nested object, named from the outer body ("credential.response.signature").
void merge(json::Fields& outer, const json::Fields& inner, const std::string& prefix) {
  for (const auto& [field, problem] : inner.problems())
    outer.add_problem(field == "(body)" ? prefix.substr(0, prefix.size() - 1) : prefix + field,
                      problem);
}

// A base64url member of `f`: the decoded bytes; a problem when it is not base64url.
std::optional<std::string> binary(json::Fields& f, const char* name, bool required,
                                  size_t max_text) {
  auto text = f.string(name, required, max_text);
  if (!text) return std::nullopt;
  if (text->empty() && !required) return std::string();
  auto raw = b64url::decode(*text);
  if (!raw) {
    f.add_problem(name, "must be base64url");
    return std::nullopt;
  }
  return raw;
}

// id and rawId (both base64url of the same bytes) and type "public-key".
std::optional<std::string> credential_id(json::Fields& c) {
  auto id = binary(c, "id", true, kMaxIdText);
  auto raw = binary(c, "rawId", true, kMaxIdText);
  auto type = c.string("type", true, 32);
  if (type && *type != "public-key") c.add_problem("type", "must be \"public-key\"");
  if (id && raw && *id != *raw) c.add_problem("rawId", "must be the same credential id as id");
  if (id && id->size() > webauthn::kMaxCredentialId)
    c.add_problem("id", "must be at most 1023 bytes");
  return id;
}

void check_device_id(json::Fields& f, const std::optional<std::string>& device) {
  if (device && (device->empty() || !text::is_printable_ascii(*device)))
    f.add_problem("device_id", "must be 1–128 printable ASCII characters");
}

}  // namespace

std::optional<AssertionCredential> read_assertion(json::Fields& f) {
  const json::Value* cred = f.object("credential", true);
  if (cred == nullptr) return std::nullopt;
  json::Fields c(*cred);
  AssertionCredential out;
  auto id = credential_id(c);
  const json::Value* resp = c.object("response", true);
  merge(f, c, "credential.");
  if (resp == nullptr) return std::nullopt;
  json::Fields rf(*resp);
  auto cd = binary(rf, "clientDataJSON", true, kMaxClientDataText);
  auto ad = binary(rf, "authenticatorData", true, kMaxAuthDataText);
  auto sig = binary(rf, "signature", true, kMaxSignatureText);
  std::optional<std::string> handle;
  if (const auto* h = json::member(*resp, "userHandle"); h && !h->IsNull())
    handle = binary(rf, "userHandle", false, kMaxUserHandleText);
  merge(f, rf, "credential.response.");
  if (!id || !cd || !ad || !sig) return std::nullopt;
  out.id = std::move(*id);
  out.assertion = webauthn::Assertion{std::move(*cd), std::move(*ad), std::move(*sig)};
  out.user_handle = handle.value_or("");
  return out;
}

BodyResult<PasskeyOptionsBody> parse_passkey_options_body(const http::Request& r) {
  auto body = read_json_body(r, true);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  PasskeyOptionsBody out;
  out.passwordless = f.boolean("passwordless", false).value_or(false);
  out.code = f.string("code", false, 64).value_or("");
  f.reject_unknown({"passwordless", "code"});
  if (!f.ok()) return body_problem(f);
  return out;
}

BodyResult<PasskeyRegisterBody> parse_passkey_register_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  PasskeyRegisterBody out;
  auto challenge = f.string("challenge_id", true, 64);
  auto name = f.string("name", false, kMaxPasskeyName);
  if (name && text::trim(*name).empty()) f.add_problem("name", "must not be blank");
  const json::Value* cred = f.object("credential", true);
  f.reject_unknown({"challenge_id", "name", "credential"});
  if (cred != nullptr) {
    json::Fields c(*cred);
    auto id = credential_id(c);
    const json::Value* resp = c.object("response", true);
    merge(f, c, "credential.");
    if (resp != nullptr) {
      json::Fields rf(*resp);
      auto cd = binary(rf, "clientDataJSON", true, kMaxClientDataText);
      auto att = binary(rf, "attestationObject", true, kMaxAttestationText);
      if (const auto* tr = rf.array("transports", false)) {
        for (const auto& t : tr->GetArray()) {
          if (!t.IsString() || t.GetStringLength() == 0 || t.GetStringLength() > 16 ||
              !text::is_printable_ascii(t.GetString()) ||
              std::string_view(t.GetString()).find(',') != std::string_view::npos) {
            rf.add_problem("transports", "must be short strings such as \"usb\" or \"internal\"");
            break;
          }
          if (out.credential.transports.size() < 8)
            out.credential.transports.emplace_back(t.GetString());
        }
      }
      merge(f, rf, "credential.response.");
      if (id && cd && att) {
        out.credential.id = std::move(*id);
        out.credential.client_data_json = std::move(*cd);
        out.credential.attestation_object = std::move(*att);
      }
    }
  }
  if (!f.ok()) return body_problem(f);
  out.challenge_id = *challenge;
  if (name) out.name = std::string(text::trim(*name));
  return out;
}

BodyResult<PasskeyPatchBody> parse_passkey_patch_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  PasskeyPatchBody out;
  auto name = f.string("name", false, kMaxPasskeyName);
  if (name && text::trim(*name).empty()) f.add_problem("name", "must not be blank");
  out.passwordless = f.boolean("passwordless", false);
  out.code = f.string("code", false, 64).value_or("");
  f.reject_unknown({"name", "passwordless", "code"});
  if (f.ok() && !name && !out.passwordless)
    f.add_problem("(body)", "must change \"name\" or \"passwordless\"");
  if (!f.ok()) return body_problem(f);
  if (name) out.name = std::string(text::trim(*name));
  return out;
}

BodyResult<PasskeySignInBody> parse_passkey_sign_in_body(const http::Request& r) {
  auto body = read_json_body(r);
  if (!body.ok()) return body_problem(body.error());
  json::Fields f(*body);
  PasskeySignInBody out;
  auto challenge = f.string("challenge_id", true, 64);
  auto device = f.string("device_id", false, 128);
  check_device_id(f, device);
  auto cred = read_assertion(f);
  f.reject_unknown({"challenge_id", "credential", "device_id"});
  if (!f.ok()) return body_problem(f);
  if (!cred) {
    f.add_problem("credential", "is required");
    return body_problem(f);
  }
  out.challenge_id = *challenge;
  out.credential = std::move(*cred);
  out.device_id = device.value_or("");
  return out;
}

}  // namespace jb::auth
