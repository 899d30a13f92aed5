// smtp_client.cpp — see smtp_client.h.
#include "common/net/smtp_client.h"

#include <curl/curl.h>
#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/core/crypto.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/net/http_client.h"

namespace jb {

namespace {

Error invalid(const std::string& what) {
  return Error(errc::smtp_invalid_message, "The email was not sent: " + what + ".", 400);
}

bool is_ascii_printable(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

std::string base64(std::string_view bin) {
  std::string out(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                    bin.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Any line endings as CRLF.
std::string crlf_lines(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 40);
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (s[i] == '\n') {
      out += "\r\n";
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string address_header(const MailAddress& a) {
  if (a.name.empty()) return a.addr;
  if (is_ascii_printable(a.name) && a.name.find_first_of("\"\\()<>@,;:[].") == std::string::npos)
    return a.name + " <" + a.addr + ">";
  if (is_ascii_printable(a.name)) {  // a quoted string
    std::string q = "\"";
    for (char c : a.name) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\" <" + a.addr + ">";
  }
  return encode_header_text(a.name) + " <" + a.addr + ">";
}

}  // namespace

bool valid_mail_addr(std::string_view addr) {
  if (addr.empty() || addr.size() > 254) return false;
  for (unsigned char c : addr)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
        c == ';' || c == ':' || c == '"' || c == '\\' || c == '[' || c == ']')
      return false;
  auto at = addr.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= addr.size()) return false;
  if (addr.find('@') != at) return false;
  auto domain = addr.substr(at + 1);
  return domain.front() != '.' && domain.back() != '.' &&
         domain.find("..") == std::string_view::npos;
}

std::string masked_mail_addr(std::string_view addr) {
  auto at = addr.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  return std::string(addr.substr(0, 1)) + "***" + std::string(addr.substr(at));
}

Result<MailAddress> parse_mail_address(std::string_view s) {
  if (has_control(s)) return invalid("an address contains a line break or control character");
  std::string t(text::trim(s));
  MailAddress a;
  auto lt = t.find('<');
  if (lt != std::string::npos) {
    if (t.back() != '>') return invalid("an address is not of the form Name <local@domain>");
    a.name = std::string(text::trim(t.substr(0, lt)));
    if (a.name.size() >= 2 && a.name.front() == '"' && a.name.back() == '"')
      a.name = a.name.substr(1, a.name.size() - 2);
    a.addr = t.substr(lt + 1, t.size() - lt - 2);
  } else {
    a.addr = t;
  }
  if (!valid_mail_addr(a.addr)) return invalid("'" + a.addr + "' is not an email address");
  return a;
}

std::string encode_header_text(std::string_view text) {
  if (is_ascii_printable(text)) return std::string(text);
  // Encoded-words of at most 75 characters: "=?UTF-8?B?" + base64 + "?=" leaves
  // 63 base64 characters, 45 bytes; never split a UTF-8 sequence.
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + 45);
    while (end < text.size() && end > i && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    if (end == i) end = std::min(text.size(), i + 45);  // not UTF-8: split anyway
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string rfc5322_date(int64_t unix_ms) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// One MIME entity: its Content-Type and Content-Transfer-Encoding headers, a
// blank line and the body (7bit when ASCII, else base64 in 76-column lines).
static std::string mime_part(const std::string& type, const std::string& text) {
  std::string body = crlf_lines(text);
  if (body.size() < 2 || body.compare(body.size() - 2, 2, "\r\n") != 0) body += "\r\n";
  bool ascii = true;
  for (unsigned char c : body)
    if (c > 0x7e) ascii = false;
  std::string out = "Content-Type: " + type + "; charset=utf-8\r\n";
  if (ascii) return out + "Content-Transfer-Encoding: 7bit\r\n\r\n" + body;
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  std::string b = base64(body);
  for (size_t i = 0; i < b.size(); i += 76) out += b.substr(i, 76) + "\r\n";
  return out;
}

Result<std::string> build_message(const MailMessage& m, int64_t now_unix_ms,
                                  const std::string& message_id) {
  auto from = parse_mail_address(m.from);
  if (!from.ok()) return from.error();
  if (!valid_mail_addr(m.to)) return invalid("the recipient is not an email address");
  if (has_control(m.subject)) return invalid("the subject contains a line break");
  if (!valid_mail_addr(message_id)) return invalid("the Message-ID is not valid");
  std::string out;
  out += "Date: " + rfc5322_date(now_unix_ms) + "\r\n";
  out += "Message-ID: <" + message_id + ">\r\n";
  out += "From: " + address_header(*from) + "\r\n";
  out += "To: " + m.to + "\r\n";
  out += "Subject: " + encode_header_text(m.subject) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  if (m.html.empty()) return out + mime_part("text/plain", m.body);
  // The boundary cannot occur in a part: 7bit parts are checked, base64 has no "=_".
  std::string boundary = "=_jb_" + crypto::sha256_hex(message_id).substr(0, 24);
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  for (const auto* part : {&m.body, &m.html}) {
    std::string p = mime_part(part == &m.body ? "text/plain" : "text/html", *part);
    if (p.find(boundary) != std::string::npos)
      return invalid("the message contains its MIME boundary");
    out += "--" + boundary + "\r\n" + p;
  }
  return out + "--" + boundary + "--\r\n";
}

SmtpOptions load_smtp_options(ConfigReader& r) {
  SmtpOptions o;
  o.url = r.str("JB_SMTP_URL", "");
  const bool smtps = o.url.rfind("smtps://", 0) == 0;
  if (!o.url.empty() && !smtps && o.url.rfind("smtp://", 0) != 0)
    r.add_problem("JB_SMTP_URL", "config error: JB_SMTP_URL must start with smtp:// or smtps://");
  // user:password@ in the URL would reach error messages and logs with it.
  const auto authority_end =
      o.url.find('/', o.url.find("://") == std::string::npos ? 0 : o.url.find("://") + 3);
  if (o.url.substr(0, authority_end).find('@') != std::string::npos)
    r.add_problem("JB_SMTP_URL",
                  "config error: JB_SMTP_URL must not contain a user name or password; set "
                  "JB_SMTP_USERNAME and JB_SMTP_PASSWORD (or JB_SMTP_PASSWORD_FILE)");
  o.from = r.str("JB_SMTP_FROM", "");
  if (!o.url.empty()) {
    if (o.from.empty())
      r.missing("JB_SMTP_FROM", "the sender of emails (e.g. Jellybridge <jb@example.com>)");
    else if (!parse_mail_address(o.from).ok())
      r.add_problem("JB_SMTP_FROM", "config error: JB_SMTP_FROM='" + o.from +
                                        "' is not an address (addr or Name <addr>)");
  }
  o.username = r.str("JB_SMTP_USERNAME", "");
  o.password = r.secret("JB_SMTP_PASSWORD", "");
  std::string file = r.str("JB_SMTP_PASSWORD_FILE", "");
  if (o.password.empty() && !file.empty()) {
    std::ifstream f(file);
    if (!f) {
      r.add_problem("JB_SMTP_PASSWORD_FILE",
                    "config error: JB_SMTP_PASSWORD_FILE='" + file + "' cannot be read");
    } else {
      std::stringstream ss;
      ss << f.rdbuf();
      o.password = ss.str();
      while (!o.password.empty() && (o.password.back() == '\n' || o.password.back() == '\r'))
        o.password.pop_back();
    }
  }
  std::string st =
      r.one_of("JB_SMTP_STARTTLS", smtps ? "off" : "required", {"required", "optional", "off"});
  o.starttls = st == "optional" ? StartTls::optional
               : st == "off"    ? StartTls::off
                                : StartTls::required;
  o.tls_verify = r.boolean("JB_SMTP_TLS_VERIFY", true);
  o.ca_file = r.str("JB_SMTP_CA_FILE", "");
  o.timeout_ms = static_cast<int>(r.integer("JB_SMTP_TIMEOUT_MS", o.timeout_ms, 100, 300000));
  return o;
}

namespace {

struct Upload {
  std::string data;
  size_t pos = 0;
};

size_t read_cb(char* buf, size_t size, size_t n, void* ud) {
  auto* u = static_cast<Upload*>(ud);
  size_t len = std::min(size * n, u->data.size() - u->pos);
  std::memcpy(buf, u->data.data() + u->pos, len);
  u->pos += len;
  return len;
}

}  // namespace

Status SmtpClient::send(MailMessage m) const {
  if (!o_.enabled()) return Error(errc::smtp_failed, "Email is not configured (JB_SMTP_URL).", 503);
  if (m.from.empty()) m.from = o_.from;
  auto from = parse_mail_address(m.from);
  if (!from.ok()) return from.error();
  const std::string domain = from->addr.substr(from->addr.rfind('@') + 1);
  auto msg = build_message(m, static_cast<int64_t>(std::time(nullptr)) * 1000,
                           rnd::b64url(18) + "@" + domain);
  if (!msg.ok()) return msg.error();

  std::unique_ptr<CURL, void (*)(CURL*)> c(curl_easy_init(), curl_easy_cleanup);
  if (!c) return Error(errc::smtp_failed, "The email could not be prepared (libcurl).", 500);
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> rcpt(
      curl_slist_append(nullptr, ("<" + m.to + ">").c_str()), curl_slist_free_all);
  Upload up{std::move(*msg), 0};
  char errbuf[CURL_ERROR_SIZE] = {0};
  const std::string mail_from = "<" + from->addr + ">";
  CURL* h = c.get();
  curl_easy_setopt(h, CURLOPT_URL, o_.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(h, CURLOPT_READDATA, &up);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(up.data.size()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(o_.timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::max(50, o_.timeout_ms / 2)));
  const bool smtps = o_.url.rfind("smtps://", 0) == 0;
  if (!smtps)
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     o_.starttls == StartTls::required   ? static_cast<long>(CURLUSESSL_ALL)
                     : o_.starttls == StartTls::optional ? static_cast<long>(CURLUSESSL_TRY)
                                                         : static_cast<long>(CURLUSESSL_NONE));
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, o_.tls_verify ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, o_.tls_verify ? 2L : 0L);
  if (!o_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, o_.ca_file.c_str());
  if (!o_.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, o_.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, o_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return Status{};
  long os_errno = 0, reply = 0;
  curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
  switch (rc) {
    case CURLE_LOGIN_DENIED:
      return Error(errc::smtp_failed, "The mail server refused the sign-in (JB_SMTP_USERNAME).",
                   502);
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UPLOAD_FAILED:
    case CURLE_GOT_NOTHING:
      if (reply >= 400)
        return Error(errc::smtp_failed,
                     "The mail server refused the email (reply " + std::to_string(reply) + ").",
                     502);
      return Error(errc::smtp_failed,
                   std::string("The mail server broke off: ") +
                       (errbuf[0] ? errbuf : curl_easy_strerror(rc)) + ".",
                   502);
    default:
      return classify_curl_error(rc, errbuf, "the mail server " + o_.url, os_errno);
  }
}

}  // namespace jb
