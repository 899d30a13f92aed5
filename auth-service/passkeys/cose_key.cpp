// cose_key.cpp — see cose_key.h.
#include "auth-service/passkeys/cose_key.h"

#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <map>
#include <memory>
#include <optional>

#include "auth-service/passkeys/webauthn_data.h"

namespace jb::auth::webauthn {

namespace {

Error malformed(const std::string& what) {
  return Error(errc::passkey_malformed, "The passkey's public key is unreadable: " + what + ".",
               400);
}

Error unsupported(const std::string& what) {
  return Error(errc::passkey_unsupported_algorithm,
               "This passkey uses " + what +
                   "; Jellybridge accepts ES256 (P-256) and RS256 (RSA, 2048 bits or more) keys.",
               400);
}

Error bad_signature() {
  return Error(errc::passkey_bad_signature, "The passkey's signature does not verify.", 401);
}

struct CborFree {
  void operator()(cbor_item_t* i) const { cbor_decref(&i); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;

// A COSE_Key's integer labels and their values (integers or byte strings).
struct CoseMap {
  std::map<int64_t, int64_t> ints;
  std::map<int64_t, std::string> bytes;
};

std::optional<int64_t> int_of(const cbor_item_t* i) {
  if (cbor_isa_uint(i)) {
    uint64_t v = cbor_get_int(i);
    if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  if (cbor_isa_negint(i)) {
    uint64_t v = cbor_get_int(i);  // the value is -1 - v
    if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return -1 - static_cast<int64_t>(v);
  }
  return std::nullopt;
}

Result<CoseMap> read_map(std::string_view cbor) {
  if (cbor.empty()) return malformed("it is empty");
  size_t read = 0;
  std::unique_ptr<cbor_item_t, CborFree> root(load_cbor(cbor, read));
  if (!root || !cbor_isa_map(root.get())) return malformed("it is not a CBOR map");
  CoseMap out;
  const size_t n = cbor_map_size(root.get());
  const cbor_pair* pairs = cbor_map_handle(root.get());
  for (size_t i = 0; i < n; ++i) {
    auto label = int_of(pairs[i].key);
    if (!label) continue;  // text labels are not used by these key types
    if (auto v = int_of(pairs[i].value)) {
      out.ints[*label] = *v;
    } else if (cbor_isa_bytestring(pairs[i].value) && cbor_bytestring_is_definite(pairs[i].value)) {
      out.bytes[*label] =
          std::string(reinterpret_cast<const char*>(cbor_bytestring_handle(pairs[i].value)),
                      cbor_bytestring_length(pairs[i].value));
    }
  }
  return out;
}

Result<Pkey> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0)
    return Error(errc::internal, "OpenSSL could not prepare a public key.");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0 || !raw) {
    ERR_clear_error();  // the thread's error queue is not ours to leave things in
    return malformed("OpenSSL refused the key (not a valid point or modulus)");
  }
  return Pkey(raw);
}

Result<Pkey> ec2_key(const CoseMap& m) {
  auto crv = m.ints.find(-1);
  auto x = m.bytes.find(-2);
  auto y = m.bytes.find(-3);
  if (crv == m.ints.end() || crv->second != 1)
    return unsupported("an elliptic curve other than P-256");
  if (x == m.bytes.end() || y == m.bytes.end() || x->second.size() != 32 || y->second.size() != 32)
    return malformed("an EC2 key needs x and y of 32 bytes each");
  const std::string point = "\x04" + x->second + y->second;  // uncompressed SEC1 point
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size()))
    return Error(errc::internal, "OpenSSL could not prepare a public key.");
  return from_params("EC", bld.get());
}

Result<Pkey> rsa_key(const CoseMap& m) {
  auto n = m.bytes.find(-1);
  auto e = m.bytes.find(-2);
  if (n == m.bytes.end() || e == m.bytes.end() || n->second.empty() || e->second.empty() ||
      e->second.size() > 8)
    return malformed("an RSA key needs n and e");
  Bn bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->second.data()),
                    static_cast<int>(n->second.size()), nullptr));
  Bn bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->second.data()),
                    static_cast<int>(e->second.size()), nullptr));
  if (!bn_n || !bn_e) return Error(errc::internal, "OpenSSL could not read the RSA key.");
  if (BN_num_bits(bn_n.get()) < kMinRsaBits)
    return Error(errc::passkey_weak_key,
                 "This passkey's RSA key has " + std::to_string(BN_num_bits(bn_n.get())) +
                     " bits; at least 2048 are needed.",
                 400);
  if (!BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get()))
    return malformed("the RSA exponent is not usable");
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return Error(errc::internal, "OpenSSL could not prepare a public key.");
  return from_params("RSA", bld.get());
}

}  // namespace

Result<PublicKey> parse_cose_key(std::string_view cbor) {
  auto m = read_map(cbor);
  if (!m.ok()) return m.error();
  auto kty = m->ints.find(1);
  auto alg = m->ints.find(3);
  if (kty == m->ints.end()) return malformed("it has no key type (kty)");
  if (alg == m->ints.end()) return malformed("it has no algorithm (alg)");
  Result<Pkey> key = Error(errc::internal, "");
  if (alg->second == kAlgES256) {
    if (kty->second != 2) return unsupported("ES256 with a key that is not an EC2 key");
    key = ec2_key(*m);
  } else if (alg->second == kAlgRS256) {
    if (kty->second != 3) return unsupported("RS256 with a key that is not an RSA key");
    key = rsa_key(*m);
  } else {
    return unsupported("the COSE algorithm " + std::to_string(alg->second));
  }
  if (!key.ok()) return key.error();
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key->get(), &der);
  if (len <= 0 || der == nullptr) return Error(errc::internal, "OpenSSL could not encode the key.");
  PublicKey out{alg->second, std::string(reinterpret_cast<const char*>(der), len)};
  OPENSSL_free(der);
  return out;
}

Status verify_signature(const PublicKey& key, std::string_view data, std::string_view signature) {
  const auto* p = reinterpret_cast<const unsigned char*>(key.spki_der.data());
  Pkey pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(key.spki_der.size())));
  if (!pkey) return Error(errc::internal, "A stored passkey's public key is unreadable.");
  const bool type_ok = (key.alg == kAlgES256 && EVP_PKEY_is_a(pkey.get(), "EC")) ||
                       (key.alg == kAlgRS256 && EVP_PKEY_is_a(pkey.get(), "RSA"));
  if (!type_ok) return unsupported("a key that does not match its algorithm");
  if (signature.empty()) return bad_signature();
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1)
    return Error(errc::internal, "OpenSSL could not start a signature check.");
  // RSA keys default to PKCS#1 v1.5 padding; ECDSA takes the DER signature as it is.
  int rc = EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
  if (rc != 1) {
    ERR_clear_error();
    return bad_signature();
  }
  return Status::Ok();
}

}  // namespace jb::auth::webauthn
