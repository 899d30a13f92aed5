// smtp_client.h — sending one email over SMTP with libcurl (smtp:// with
// STARTTLS required, optional or off; smtps:// with TLS from the start), and
// the pure RFC 5322 message builder it sends (unit-tested without a server).
//
// The message: Date, Message-ID, From, To, Subject (RFC 2047 "B" encoded-words
// when it is not ASCII), MIME-Version, Content-Type text/plain; charset=utf-8,
// 7bit for ASCII bodies and base64 otherwise; CRLF line endings throughout.
// A message with an HTML version is multipart/alternative: the text part,
// then the text/html part, each encoded the same way.
// Dot-stuffing (a body line starting with ".") is libcurl's job: its SMTP
// upload escapes "\r\n." as the protocol requires. Header injection is
// impossible: addresses and the subject with CR, LF or other control
// characters are refused (errc::smtp_invalid_message) before anything is sent.
//
// Sending: TLS verification is on by default (optional CA file); a connect
// timeout and an overall timeout bound every send; AUTH with user name and
// password when a user name is set. The password is never logged nor put in an
// error message. The SMTP server is the operator's own setting (JB_SMTP_URL),
// like JB_JELLYFIN_URL, so the outbound SSRF guard does not apply to it.
//
// Error codes: smtp_invalid_message (400: refused before sending), smtp_failed
// (502: the server refused or broke off), and http_client.h's transport codes
// (connection_refused, connection_failed, dns_failure, timeout, tls_failure,
// invalid_url) for the connection itself.
//
// Thread-safety: SmtpClient is immutable after construction and each send()
// uses a curl handle of its own: send() may run on many threads at once. The
// builder functions are pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/core/config.h"
#include "common/core/result.h"

// Error codes this module owns (the API answers them as problem types; docs/problems.md).
namespace jb::errc {
constexpr const char* smtp_invalid_message = "smtp_invalid_message";  // 400: refused before sending
constexpr const char* smtp_failed = "smtp_failed";                    // 502: the server said no
}  // namespace jb::errc

namespace jb {

enum class StartTls { required, optional, off };

struct SmtpOptions {
  std::string url;       // smtp://host[:port] or smtps://host[:port]; "" = email is off
  std::string from;      // "addr@example.com" or "Name <addr@example.com>"
  std::string username;  // "" = no AUTH
  std::string password;  // never logged
  StartTls starttls = StartTls::required;  // ignored for smtps:// (TLS from the start)
  bool tls_verify = true;
  std::string ca_file;     // "" = the system's CAs
  int timeout_ms = 10000;  // the whole send; connecting gets at most half of it
  bool enabled() const { return !url.empty(); }
};

// JB_SMTP_URL, JB_SMTP_FROM, JB_SMTP_USERNAME, JB_SMTP_PASSWORD or
// JB_SMTP_PASSWORD_FILE, JB_SMTP_STARTTLS (required|optional|off; default
// required, off for smtps://), JB_SMTP_TLS_VERIFY, JB_SMTP_CA_FILE,
// JB_SMTP_TIMEOUT_MS. Problems are added to `r`.
SmtpOptions load_smtp_options(ConfigReader& r);

struct MailAddress {
  std::string name;  // display name, may be empty
  std::string addr;  // local@domain
};

// "addr" or "Name <addr>"; refuses control characters, spaces and the
// characters that would end or split a header in the address.
Result<MailAddress> parse_mail_address(std::string_view s);
// Whether `addr` is a plain local@domain address we are willing to send to.
bool valid_mail_addr(std::string_view addr);
// An address as logs and answers may show it: "d***@example.org" (enough for
// its owner to recognise, little for anyone else); "***" when not an address.
std::string masked_mail_addr(std::string_view addr);
// The Subject value: as is when printable ASCII, else RFC 2047 encoded-words
// (UTF-8, base64, at most 75 characters each, folded with CRLF SP).
std::string encode_header_text(std::string_view text);
// RFC 5322 date-time in UTC: "Sat, 05 Dec 2026 02:43:33 +0000".
std::string rfc5322_date(int64_t unix_ms);

struct MailMessage {
  std::string from;  // as parse_mail_address accepts
  std::string to;    // a plain address
  std::string subject;
  std::string body;  // UTF-8 text; any line endings
  std::string html;  // "" = text only; else multipart/alternative: the text, then this HTML
};

// The whole message, CRLF line endings. message_id without the angle
// brackets (e.g. "<random>@<domain>").
Result<std::string> build_message(const MailMessage& m, int64_t now_unix_ms,
                                  const std::string& message_id);

class SmtpClient {
 public:
  explicit SmtpClient(SmtpOptions o) : o_(std::move(o)) {}
  const SmtpOptions& options() const { return o_; }
  // Builds and sends `m` (m.from empty: the configured From). Blocks for at most
  // the timeout.
  Status send(MailMessage m) const;

 private:
  SmtpOptions o_;
};

}  // namespace jb
