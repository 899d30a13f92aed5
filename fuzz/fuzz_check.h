// fuzz_check.h — what the fuzz targets share: FUZZ_CHECK, an invariant that
// must hold beyond "no crash" (it prints what failed and aborts, so libFuzzer
// saves the input as a crash and the corpus replay test fails), show() for
// readable failure messages, and split() to cut one input into fields.
//
// Thread-safety: pure functions; the fuzz entry points are called from one thread.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace jb::fuzz {

// The bytes as a C-like string literal: printable ASCII as is, others as \xNN.
inline std::string show(std::string_view s) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
  return out + "\"";
}

[[noreturn]] inline void fail(const char* file, int line, const char* cond,
                              const std::string& what) {
  std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n  %s\n", file, line, cond, what.c_str());
  std::fflush(stderr);
  std::abort();
}

// Cuts s at every `sep`, at most max_parts parts (the last one keeps the rest).
inline std::vector<std::string_view> split(std::string_view s, char sep, size_t max_parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < max_parts) {
    size_t p = s.find(sep);
    if (p == std::string_view::npos) break;
    out.push_back(s.substr(0, p));
    s.remove_prefix(p + 1);
  }
  out.push_back(s);
  return out;
}

}  // namespace jb::fuzz

// `what` (a std::string expression) is evaluated only when `cond` is false.
#define FUZZ_CHECK(cond, what)                                        \
  do {                                                                \
    if (!(cond)) ::jb::fuzz::fail(__FILE__, __LINE__, #cond, (what)); \
  } while (0)
