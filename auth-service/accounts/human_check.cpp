// human_check.cpp — see human_check.h.
#include "auth-service/accounts/human_check.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <optional>

#include "common/core/base64url.h"
#include "common/core/crypto.h"
#include "common/core/json.h"
#include "common/core/random.h"
#include "common/core/text.h"

namespace jb::accounts {

namespace {

constexpr size_t kSaltRandomBytes = 12;  // ALTCHA's default: 24 hex chars
constexpr std::string_view kExpiresParam = "?expires=";
constexpr size_t kMaxExpiresDigits = 12;  // unix seconds up to the year 33658

Error failed(std::string sentence) {
  return Error(errc::human_check_failed, std::move(sentence), 400);
}

// Standard base64 (the widget's btoa) or base64url, with or without padding,
// on libsodium; nullopt when it is neither.
std::optional<std::string> decode_base64(std::string_view text) {
  for (int i = 0; i < 2 && !text.empty() && text.back() == '='; ++i) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  bool url = text.find_first_of("-_") != std::string_view::npos;
  int variant =
      url ? sodium_base64_VARIANT_URLSAFE_NO_PADDING : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  std::string out(text.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, variant) != 0)
    return std::nullopt;
  out.resize(len);
  return out;
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The expiry of a salt of exactly the form make_pow_challenge makes:
// <24 lowercase hex>?expires=<unix seconds, no leading zero>&
std::optional<int64_t> salt_expiry(std::string_view salt) {
  constexpr size_t kHex = 2 * kSaltRandomBytes;
  if (salt.size() < kHex + kExpiresParam.size() + 2 || salt.back() != '&') return std::nullopt;
  if (!is_lower_hex(salt.substr(0, kHex))) return std::nullopt;
  if (salt.substr(kHex, kExpiresParam.size()) != kExpiresParam) return std::nullopt;
  std::string_view digits = salt.substr(kHex + kExpiresParam.size());
  digits.remove_suffix(1);  // the '&'
  if (digits.empty() || digits.size() > kMaxExpiresDigits || digits.front() == '0' ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  int64_t expires = 0;
  if (!text::parse_int64(digits, expires)) return std::nullopt;
  return expires;
}

std::string hash_input(std::string_view salt, int64_t number) {
  return std::string(salt) + std::to_string(number);
}

}  // namespace

PowChallenge make_pow_challenge(std::string_view hmac_key, int64_t maxnumber, int64_t now_s,
                                int64_t ttl_s) {
  PowChallenge c;
  c.maxnumber = std::clamp<int64_t>(maxnumber, 1, kMaxMaxNumber);
  int64_t expires = now_s + std::max<int64_t>(ttl_s, 1);
  c.salt = rnd::hex(kSaltRandomBytes) + std::string(kExpiresParam) + std::to_string(expires) + "&";
  // kMaxMaxNumber + 1 fits in uint32_t; rnd::uniform has no modulo bias.
  auto number = static_cast<int64_t>(rnd::uniform(static_cast<uint32_t>(c.maxnumber + 1)));
  c.challenge = crypto::sha256_hex(hash_input(c.salt, number));
  c.signature = crypto::hmac_sha256_hex(hmac_key, c.challenge);
  return c;
}

std::string pow_challenge_json(const PowChallenge& c) {
  json::Writer w;
  w.begin_object()
      .kv("algorithm", c.algorithm)
      .kv("challenge", c.challenge)
      .kv("maxnumber", c.maxnumber)
      .kv("salt", c.salt)
      .kv("signature", c.signature)
      .end_object();
  return w.str();
}

Result<PowSolution> parse_pow_payload(std::string_view payload) {
  if (payload.size() > kMaxPayloadBytes)
    return failed("The human check's answer is longer than " + std::to_string(kMaxPayloadBytes) +
                  " bytes.");
  auto decoded = decode_base64(payload);
  if (!decoded) return failed("The human check's answer is malformed: it is not base64.");
  auto doc = json::parse(*decoded);
  if (!doc.ok() || !doc->IsObject())
    return failed("The human check's answer is malformed: it is not a JSON object.");
  PowSolution s;
  const std::pair<const char*, std::string*> strings[] = {{"algorithm", &s.algorithm},
                                                          {"challenge", &s.challenge},
                                                          {"salt", &s.salt},
                                                          {"signature", &s.signature}};
  for (const auto& [name, out] : strings) {
    const json::Value* v = json::member(*doc, name);
    if (!v || !v->IsString())
      return failed(std::string("The human check's answer is malformed: \"") + name +
                    "\" is missing or not a string.");
    out->assign(v->GetString(), v->GetStringLength());
  }
  const json::Value* n = json::member(*doc, "number");
  if (!n || !n->IsInt64() || n->GetInt64() < 0)
    return failed(
        "The human check's answer is malformed: \"number\" is missing or not an integer of 0 or "
        "more.");
  s.number = n->GetInt64();
  return s;
}

Result<int64_t> verify_pow(const PowSolution& s, std::string_view hmac_key, int64_t now_s) {
  if (s.algorithm != kPowAlgorithm)
    return failed("The human check's answer is malformed: its algorithm is not SHA-256.");
  if (s.number < 0) return failed("The human check's answer is malformed: its number is negative.");
  auto expires = salt_expiry(s.salt);
  if (!expires) return failed("The human check's answer is malformed: its salt was not made here.");
  if (!crypto::equal_ct(crypto::sha256_hex(hash_input(s.salt, s.number)), s.challenge))
    return failed("The human check's answer does not match its challenge.");
  if (!crypto::equal_ct(crypto::hmac_sha256_hex(hmac_key, s.challenge), s.signature))
    return failed("The human check's signature does not match: the challenge was not made here.");
  if (now_s >= *expires) return failed("The human check has expired; fetch a new challenge.");
  return *expires;
}

int64_t solve_pow(const PowChallenge& c) {
  // libsodium directly rather than crypto::sha256_hex: the loop compares raw
  // digests instead of formatting up to maxnumber + 1 hex strings.
  std::string target;
  if (c.challenge.size() != 2 * crypto_hash_sha256_BYTES || !text::hex_decode(c.challenge, target))
    return -1;
  std::string input = c.salt;
  size_t base = input.size();
  input.resize(base + 20);
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  for (int64_t n = 0; n <= c.maxnumber; ++n) {
    auto end = std::to_chars(input.data() + base, input.data() + input.size(), n).ptr;
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(input.data()),
                       static_cast<unsigned long long>(end - input.data()));
    if (std::memcmp(digest.data(), target.data(), digest.size()) == 0) return n;
  }
  return -1;
}

Result<PowChallenge> parse_pow_challenge(std::string_view text) {
  auto d = json::parse(text);
  if (!d.ok() || !d->IsObject())
    return Error(errc::human_check_failed, "The challenge is not a JSON object.", 400);
  PowChallenge c;
  c.algorithm = json::get_string(*d, "algorithm");
  c.challenge = json::get_string(*d, "challenge");
  c.salt = json::get_string(*d, "salt");
  c.signature = json::get_string(*d, "signature");
  c.maxnumber = json::get_int(*d, "maxnumber", -1);
  if (c.challenge.empty() || c.salt.empty() || c.signature.empty() || c.maxnumber < 0)
    return Error(errc::human_check_failed, "The challenge lacks a member.", 400);
  return c;
}

std::string solve_pow_payload(const PowChallenge& c) {
  const int64_t n = solve_pow(c);
  if (n < 0) return "";
  json::Writer w;
  w.begin_object()
      .kv("algorithm", c.algorithm)
      .kv("challenge", c.challenge)
      .kv("number", n)
      .kv("salt", c.salt)
      .kv("signature", c.signature)
      .end_object();
  return b64url::encode(w.str());
}

}  // namespace jb::accounts
