// peak_rss.cpp — see peak_rss.h.
#include "tests/support/peak_rss.h"

#include <fstream>
#include <sstream>
#include <string>

namespace jb::testing {

namespace {

std::optional<int64_t> status_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) != 0) continue;
    std::istringstream value(line.substr(field.size() + 1));
    int64_t kib = 0;
    if (value >> kib) return kib;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> rss_kib(pid_t pid) {
  return status_kib(pid, "VmRSS");
}

std::optional<int64_t> peak_rss_kib(pid_t pid) {
  return status_kib(pid, "VmHWM");
}

bool reset_peak_rss(pid_t pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace jb::testing
