// random.cpp — see random.h.
#include "common/core/random.h"

#include <sodium.h>

#include <cstdlib>
#include <mutex>

#include "common/core/text.h"

namespace jb::rnd {

namespace {
void init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();  // no CSPRNG: refuse to run
  });
}
}  // namespace

void bytes(void* out, size_t n) {
  init_once();
  randombytes_buf(out, n);
}

std::string bytes(size_t n) {
  std::string s(n, '\0');
  bytes(s.data(), n);
  return s;
}

std::string hex(size_t n) {
  std::string b = bytes(n);
  return text::hex_encode(b);
}

std::string b64url(size_t n) {
  std::string b = bytes(n);
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(b.data()), n,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);  // drop the NUL terminator
  return out;
}

uint32_t uniform(uint32_t upper) {
  init_once();
  return randombytes_uniform(upper);
}

}  // namespace jb::rnd
