// smtp_sink.cpp — see smtp_sink.h.
#include "tests/support/smtp_sink.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "tests/support/eventually.h"

namespace jb::testing {

SmtpSink::SmtpSink() {
  proc_ = std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/python3", source_dir() + "/tests/support/smtp_sink.py",
                               dir_.path()},
      std::map<std::string, std::string>{}, "smtp-sink");
  if (!proc_->start()) return;
  auto line =
      proc_->wait_for_line([](const std::string& l) { return l.rfind("port ", 0) == 0; }, 20000);
  if (line) port_ = std::stoi(line->substr(5));
}

std::string SmtpSink::url() const {
  return "smtp://127.0.0.1:" + std::to_string(port_);
}

size_t SmtpSink::count() const {
  size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    if (e.path().extension() == ".eml") ++n;
  return n;
}

std::string SmtpSink::message(size_t n) const {
  if (!eventually([&] { return count() >= n; }, 20000)) return "";
  char name[32];
  std::snprintf(name, sizeof name, "/%06zu.eml", n);
  std::ifstream f(dir_.path() + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace jb::testing
