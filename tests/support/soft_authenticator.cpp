// soft_authenticator.cpp — see soft_authenticator.h.
#include "tests/support/soft_authenticator.h"

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <stdexcept>

#include "common/core/base64url.h"
#include "common/core/json.h"

namespace jb::testing {

struct SoftAuthenticator::Key {
  Kind kind;
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

std::string serialize(cbor_item_t* item) {
  unsigned char* buf = nullptr;
  size_t size = 0;
  size_t len = cbor_serialize_alloc(item, &buf, &size);
  std::string out(reinterpret_cast<char*>(buf), len);
  free(buf);
  cbor_decref(&item);
  return out;
}

cbor_item_t* cbor_int(int64_t v) {
  if (v >= 0) return cbor_build_uint64(static_cast<uint64_t>(v));
  return cbor_build_negint64(static_cast<uint64_t>(-1 - v));
}

cbor_item_t* cbor_bytes(const std::string& s) {
  return cbor_build_bytestring(reinterpret_cast<cbor_data>(s.data()), s.size());
}

void add(cbor_item_t* map, cbor_item_t* k, cbor_item_t* v) {
  if (!cbor_map_add(map, cbor_pair{cbor_move(k), cbor_move(v)}))
    throw std::runtime_error("cbor_map_add failed");
}

std::string bn_bytes(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) throw std::runtime_error("no RSA parameter");
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

std::string be32(uint32_t v) {
  std::string s(4, '\0');
  s[0] = static_cast<char>(v >> 24);
  s[1] = static_cast<char>(v >> 16);
  s[2] = static_cast<char>(v >> 8);
  s[3] = static_cast<char>(v);
  return s;
}

}  // namespace

std::string sha256_raw(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string client_data_json(const std::string& type, const std::string& challenge,
                             const std::string& origin) {
  json::Writer w;
  w.begin_object()
      .kv("type", type)
      .kv("challenge", b64url::encode(challenge))
      .kv("origin", origin)
      .kv("crossOrigin", false)
      .end_object();
  return w.str();
}

SoftAuthenticator::SoftAuthenticator(Kind kind, int rsa_bits, int64_t cose_alg)
    : key_(std::make_unique<Key>()), cose_alg_(cose_alg) {
  key_->kind = kind;
  key_->pkey =
      kind == Kind::kES256 ? EVP_EC_gen("P-256") : EVP_RSA_gen(static_cast<unsigned int>(rsa_bits));
  if (key_->pkey == nullptr) throw std::runtime_error("OpenSSL could not make a key");
  id_.resize(32);
  RAND_bytes(reinterpret_cast<unsigned char*>(id_.data()), static_cast<int>(id_.size()));
}

SoftAuthenticator::~SoftAuthenticator() = default;

std::string SoftAuthenticator::cose_key() const {
  cbor_item_t* m = cbor_new_definite_map(5);
  if (key_->kind == Kind::kES256) {
    unsigned char pub[128];
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(key_->pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &len);
    std::string point(reinterpret_cast<char*>(pub), len);  // 0x04 ‖ x ‖ y
    add(m, cbor_int(1), cbor_int(2));                      // kty EC2
    add(m, cbor_int(3), cbor_int(cose_alg_ ? cose_alg_ : -7));
    add(m, cbor_int(-1), cbor_int(1));  // crv P-256
    add(m, cbor_int(-2), cbor_bytes(point.substr(1, 32)));
    add(m, cbor_int(-3), cbor_bytes(point.substr(33, 32)));
  } else {
    add(m, cbor_int(1), cbor_int(3));  // kty RSA
    add(m, cbor_int(3), cbor_int(cose_alg_ ? cose_alg_ : -257));
    add(m, cbor_int(-1), cbor_bytes(bn_bytes(key_->pkey, OSSL_PKEY_PARAM_RSA_N)));
    add(m, cbor_int(-2), cbor_bytes(bn_bytes(key_->pkey, OSSL_PKEY_PARAM_RSA_E)));
  }
  return serialize(m);
}

SoftAuthenticator::Registration SoftAuthenticator::make_credential(const Ceremony& c) const {
  Registration r;
  r.client_data_json =
      client_data_json(c.type.empty() ? "webauthn.create" : c.type, c.challenge, c.origin);
  std::string ad = sha256_raw(c.rp_id);
  ad += static_cast<char>(c.flags | kAT);
  ad += be32(counting ? counter : 0);
  ad += std::string(16, '\0');  // aaguid
  ad += static_cast<char>(id_.size() >> 8);
  ad += static_cast<char>(id_.size() & 0xff);
  ad += id_;
  ad += cose_key();
  r.authenticator_data = ad;
  cbor_item_t* att = cbor_new_definite_map(3);
  add(att, cbor_build_string("fmt"), cbor_build_string(c.fmt.c_str()));
  add(att, cbor_build_string("attStmt"), cbor_new_definite_map(0));
  add(att, cbor_build_string("authData"), cbor_bytes(ad));
  r.attestation_object = serialize(att);
  return r;
}

SoftAuthenticator::Assertion SoftAuthenticator::get_assertion(const Ceremony& c) {
  Assertion a;
  a.client_data_json =
      client_data_json(c.type.empty() ? "webauthn.get" : c.type, c.challenge, c.origin);
  if (counting) ++counter;
  a.authenticator_data =
      sha256_raw(c.rp_id) + static_cast<char>(c.flags) + be32(counting ? counter : 0);
  const std::string signed_data = a.authenticator_data + sha256_raw(a.client_data_json);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  size_t len = 0;
  EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_->pkey);
  EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(signed_data.data()),
                 signed_data.size());
  a.signature.resize(len);
  EVP_DigestSign(md, reinterpret_cast<unsigned char*>(a.signature.data()), &len,
                 reinterpret_cast<const unsigned char*>(signed_data.data()), signed_data.size());
  a.signature.resize(len);
  EVP_MD_CTX_free(md);
  if (c.bad_signature) a.signature[a.signature.size() / 2] ^= 0x01;
  return a;
}

std::string SoftAuthenticator::registration_json(const Registration& r) const {
  json::Writer w;
  w.begin_object()
      .kv("id", b64url::encode(id_))
      .kv("rawId", b64url::encode(id_))
      .kv("type", "public-key")
      .kv("authenticatorAttachment", "platform")
      .key("clientExtensionResults")
      .begin_object()
      .end_object()
      .key("response")
      .begin_object()
      .kv("clientDataJSON", b64url::encode(r.client_data_json))
      .kv("attestationObject", b64url::encode(r.attestation_object))
      .key("transports")
      .begin_array()
      .value("internal")
      .value("hybrid")
      .end_array()
      .end_object()
      .end_object();
  return w.str();
}

std::string SoftAuthenticator::assertion_json(const Assertion& a,
                                              const std::string& user_handle) const {
  json::Writer w;
  w.begin_object()
      .kv("id", b64url::encode(id_))
      .kv("rawId", b64url::encode(id_))
      .kv("type", "public-key")
      .key("response")
      .begin_object()
      .kv("clientDataJSON", b64url::encode(a.client_data_json))
      .kv("authenticatorData", b64url::encode(a.authenticator_data))
      .kv("signature", b64url::encode(a.signature));
  if (!user_handle.empty()) w.kv("userHandle", b64url::encode(user_handle));
  w.end_object().end_object();
  return w.str();
}

}  // namespace jb::testing
