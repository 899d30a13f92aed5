// smtp_sink.h — test support: a real SMTP server for end-to-end tests, the
// child process tests/support/smtp_sink.py (Debian's python3-aiosmtpd) that
// writes each message it receives to a temporary directory, and what it got.
// Each message is read back with an "X-Envelope-To: <recipients>" line first.
//
// Thread-safety: one test thread per sink.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "tests/support/process.h"

namespace jb::testing {

class SmtpSink {
 public:
  // Starts the server and waits (bounded) for its port; port() is 0 if it did not
  // start (scripts/deps.sh installs python3-aiosmtpd).
  SmtpSink();
  int port() const { return port_; }
  // "smtp://127.0.0.1:<port>".
  std::string url() const;
  // How many messages have arrived so far.
  size_t count() const;
  // The n-th message (1-based), waiting (bounded) for it to arrive; "" if it did not.
  std::string message(size_t n) const;

 private:
  TempDir dir_;
  std::unique_ptr<Process> proc_;
  int port_ = 0;
};

}  // namespace jb::testing
