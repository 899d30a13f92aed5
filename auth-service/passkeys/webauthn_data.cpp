// webauthn_data.cpp — see webauthn_data.h.
#include "auth-service/passkeys/webauthn_data.h"

#include <cbor.h>

#include <memory>

#include "common/core/base64url.h"
#include "common/core/json.h"

namespace jb::auth::webauthn {

namespace {

Error malformed(const std::string& what) {
  return Error(errc::passkey_malformed, "The passkey's data is unreadable: " + what + ".", 400);
}

struct CborFree {
  void operator()(cbor_item_t* i) const { cbor_decref(&i); }
};
using CborItem = std::unique_ptr<cbor_item_t, CborFree>;

CborItem load(std::string_view bytes, size_t& read) {
  return CborItem(load_cbor(bytes, read));
}

// The bounds walk: every collection's declared size fits in the bytes left.
struct Walk {
  size_t left = 0;
  bool ok = true;
};

void on_array(void* ctx, size_t n) {
  auto* w = static_cast<Walk*>(ctx);
  if (n > w->left) w->ok = false;
}

void on_map(void* ctx, size_t n) {
  auto* w = static_cast<Walk*>(ctx);
  if (n > w->left / 2) w->ok = false;
}

bool within_bounds(std::string_view bytes) {
  cbor_callbacks cb = cbor_empty_callbacks;
  cb.array_start = on_array;
  cb.map_start = on_map;
  Walk w;
  size_t at = 0;
  while (at < bytes.size() && w.ok) {
    w.left = bytes.size() - at;
    auto r = cbor_stream_decode(reinterpret_cast<cbor_data>(bytes.data() + at), bytes.size() - at,
                                &cb, &w);
    if (r.status != CBOR_DECODER_FINISHED || r.read == 0) return false;
    at += r.read;
    w.left = bytes.size() - at;
  }
  return w.ok;
}

std::optional<std::string> text_of(const cbor_item_t* i) {
  if (!cbor_isa_string(i) || !cbor_string_is_definite(i)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(cbor_string_handle(i)), cbor_string_length(i));
}

std::optional<std::string> bytes_of(const cbor_item_t* i) {
  if (!cbor_isa_bytestring(i) || !cbor_bytestring_is_definite(i)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(cbor_bytestring_handle(i)),
                     cbor_bytestring_length(i));
}

}  // namespace

cbor_item_t* load_cbor(std::string_view bytes, size_t& read) {
  read = 0;
  if (bytes.empty() || !within_bounds(bytes)) return nullptr;
  cbor_load_result res{};
  cbor_item_t* item = cbor_load(reinterpret_cast<cbor_data>(bytes.data()), bytes.size(), &res);
  if (item != nullptr && res.error.code != CBOR_ERR_NONE) {
    cbor_decref(&item);
    return nullptr;
  }
  if (item != nullptr) read = res.read;
  return item;
}

namespace {

uint32_t be32(std::string_view b, size_t at) {
  auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(b[at + i])); };
  return (u(0) << 24) | (u(1) << 16) | (u(2) << 8) | u(3);
}

}  // namespace

Result<ClientData> parse_client_data(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc.ok() || !doc->IsObject()) return malformed("clientDataJSON is not a JSON object");
  ClientData out;
  auto type = json::opt_string(*doc, "type");
  auto challenge = json::opt_string(*doc, "challenge");
  auto origin = json::opt_string(*doc, "origin");
  if (!type || !challenge || !origin)
    return malformed("clientDataJSON lacks type, challenge or origin");
  auto raw = b64url::decode(*challenge);
  if (!raw) return malformed("clientDataJSON's challenge is not base64url");
  out.type = *type;
  out.challenge = std::move(*raw);
  out.origin = *origin;
  out.cross_origin = json::get_bool(*doc, "crossOrigin", false);
  return out;
}

Result<AuthenticatorData> parse_authenticator_data(std::string_view b) {
  constexpr size_t kFixed = 32 + 1 + 4;
  if (b.size() < kFixed) return malformed("the authenticator data is shorter than 37 bytes");
  AuthenticatorData out;
  out.rp_id_hash = std::string(b.substr(0, 32));
  out.flags = static_cast<uint8_t>(b[32]);
  out.sign_count = be32(b, 33);
  size_t at = kFixed;
  if (out.has(kFlagAttestedData)) {
    if (b.size() < at + 16 + 2) return malformed("the attested credential data is truncated");
    AttestedCredential cred;
    cred.aaguid = std::string(b.substr(at, 16));
    at += 16;
    const size_t id_len = (static_cast<size_t>(static_cast<unsigned char>(b[at])) << 8) |
                          static_cast<unsigned char>(b[at + 1]);
    at += 2;
    if (id_len == 0 || id_len > kMaxCredentialId)
      return malformed("the credential id must be 1 to 1023 bytes");
    if (b.size() < at + id_len) return malformed("the credential id is truncated");
    cred.credential_id = std::string(b.substr(at, id_len));
    at += id_len;
    size_t read = 0;
    auto key = load(b.substr(at), read);
    if (!key || !cbor_isa_map(key.get())) return malformed("the credential public key is not CBOR");
    cred.public_key = std::string(b.substr(at, read));
    at += read;
    out.attested = std::move(cred);
  }
  if (out.has(kFlagExtensions)) {
    size_t read = 0;
    auto ext = load(b.substr(at), read);
    if (!ext || !cbor_isa_map(ext.get())) return malformed("the extensions are not a CBOR map");
    at += read;
  }
  if (at != b.size()) return malformed("the authenticator data has trailing bytes");
  return out;
}

Result<AttestationObject> parse_attestation_object(std::string_view cbor) {
  size_t read = 0;
  auto root = load(cbor, read);
  if (!root || !cbor_isa_map(root.get()) || read != cbor.size())
    return malformed("the attestation object is not a CBOR map");
  AttestationObject out;
  bool has_fmt = false, has_auth = false, has_stmt = false;
  const size_t n = cbor_map_size(root.get());
  const cbor_pair* pairs = cbor_map_handle(root.get());
  for (size_t i = 0; i < n; ++i) {
    auto k = text_of(pairs[i].key);
    if (!k) continue;
    if (*k == "fmt") {
      auto v = text_of(pairs[i].value);
      if (!v) return malformed("the attestation format is not a string");
      out.fmt = *v;
      has_fmt = true;
    } else if (*k == "authData") {
      auto v = bytes_of(pairs[i].value);
      if (!v) return malformed("authData is not a byte string");
      out.auth_data = std::move(*v);
      has_auth = true;
    } else if (*k == "attStmt") {
      if (!cbor_isa_map(pairs[i].value)) return malformed("attStmt is not a map");
      has_stmt = true;
    }
  }
  if (!has_fmt || !has_auth || !has_stmt)
    return malformed("the attestation object lacks fmt, attStmt or authData");
  return out;
}

}  // namespace jb::auth::webauthn
