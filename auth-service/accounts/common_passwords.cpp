// common_passwords.cpp — the lookup set over the embedded list (common_passwords.h).
//
// The bytes come from the generated common_passwords_data.cpp (the build writes it from
// data/common-passwords.txt with cmake/embed_bytes.cmake).
//
// Thread-safety: see the header (one lazily built, then read-only, set).
#include "auth-service/accounts/common_passwords.h"

#include <string>
#include <unordered_set>

namespace jb::accounts {
namespace detail {
// Defined in the generated common_passwords_data.cpp: the file's bytes and their number
// (the array has one more byte, a terminating NUL).
extern const unsigned char kCommonPasswordsData[];
extern const std::size_t kCommonPasswordsDataSize;
}  // namespace detail

namespace {

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

class CommonPasswords {
 public:
  CommonPasswords()
      : folded_(reinterpret_cast<const char*>(detail::kCommonPasswordsData),
                detail::kCommonPasswordsDataSize) {
    for (char& c : folded_) c = ascii_lower(c);
    std::string_view all(folded_);
    set_.reserve(12000);
    while (!all.empty()) {
      size_t nl = all.find('\n');
      std::string_view line = all.substr(0, nl);
      all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      set_.insert(line);
      if (line.size() > longest_) longest_ = line.size();
    }
  }

  bool contains(std::string_view password) const {
    if (password.empty() || password.size() > longest_) return false;  // spares the copy
    std::string key(password);
    for (char& c : key) c = ascii_lower(c);
    return set_.count(key) > 0;
  }
  size_t size() const { return set_.size(); }

 private:
  std::string folded_;                        // the list, ASCII-lowercased; the views point here
  std::unordered_set<std::string_view> set_;  // distinct non-blank lines of folded_
  size_t longest_ = 0;                        // bytes of the longest entry
};

const CommonPasswords& list() {
  static const CommonPasswords instance;  // thread-safe one-time initialisation
  return instance;
}

}  // namespace

bool is_common_password(std::string_view normalised) {
  return list().contains(normalised);
}

size_t common_password_count() {
  return list().size();
}

}  // namespace jb::accounts
