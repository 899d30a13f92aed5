// password.cpp — see password.h.
#include "tests/standin/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

#include "common/core/text.h"

namespace jb::standin {

namespace {

constexpr size_t kSaltBytes = 64;
constexpr size_t kHashBytes = 64;
constexpr int kMaxIterations = 10'000'000;

bool pbkdf2(std::string_view password, const std::string& salt, int iterations, size_t out_len,
            std::string& out) {
  out.assign(out_len, '\0');
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                           reinterpret_cast<const unsigned char*>(salt.data()),
                           static_cast<int>(salt.size()), iterations, EVP_sha512(),
                           static_cast<int>(out_len),
                           reinterpret_cast<unsigned char*>(out.data())) == 1;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, int iterations) {
  if (iterations < 1 || iterations > kMaxIterations)
    return Error("invalid_argument", "The PBKDF2 iteration count is out of range.");
  std::string salt(kSaltBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1)
    return Error("crypto", "The CSPRNG failed.");
  std::string hash;
  if (!pbkdf2(password, salt, iterations, kHashBytes, hash))
    return Error("crypto", "PBKDF2 failed.");
  return "$PBKDF2-SHA512$iterations=" + std::to_string(iterations) + "$" +
         text::hex_encode(salt, true) + "$" + text::hex_encode(hash, true);
}

bool verify_password(std::string_view password, std::string_view stored) {
  // $PBKDF2-SHA512$iterations=N$SALT$HASH
  auto parts = text::split(stored, '$', false);
  if (parts.size() != 5 || !parts[0].empty() || parts[1] != "PBKDF2-SHA512") return false;
  const std::string& param = parts[2];
  if (!text::istarts_with(param, "iterations=")) return false;
  int64_t iterations = 0;
  if (!text::parse_int64(std::string_view(param).substr(11), iterations) || iterations < 1 ||
      iterations > kMaxIterations)
    return false;
  std::string salt, expected;
  if (!text::hex_decode(parts[3], salt) || !text::hex_decode(parts[4], expected) ||
      expected.empty())
    return false;
  std::string actual;
  if (!pbkdf2(password, salt, static_cast<int>(iterations), expected.size(), actual)) return false;
  return CRYPTO_memcmp(actual.data(), expected.data(), expected.size()) == 0;
}

}  // namespace jb::standin
