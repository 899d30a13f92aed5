// smtp_client_test.cpp — the SMTP message builder and configuration, without a
// server: headers, RFC 2047 subjects, CRLF endings, header injection refused,
// JB_SMTP_* parsing. (Sending is covered end to end by e2e_email_code_test.)
//
// Thread-safety: single-threaded tests.
#include "common/net/smtp_client.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

using namespace jb;

namespace {

std::string built(const MailMessage& m) {
  auto r = build_message(m, 1796438613000, "abc@example.com");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : "";
}

std::string header_block(const std::string& msg) {
  return msg.substr(0, msg.find("\r\n\r\n"));
}

}  // namespace

TEST(SmtpMessage, HasTheHeadersOfRfc5322AndCrlfEverywhere) {
  auto msg = built({"Jellybridge <jb@example.com>", "demo@example.org", "Your code",
                    "line one\nline two\r\nline three"});
  auto h = header_block(msg);
  EXPECT_NE(h.find("Date: Sat, 05 Dec 2026 02:43:33 +0000\r\n"), std::string::npos) << h;
  EXPECT_NE(h.find("Message-ID: <abc@example.com>\r\n"), std::string::npos);
  EXPECT_NE(h.find("From: Jellybridge <jb@example.com>\r\n"), std::string::npos);
  EXPECT_NE(h.find("To: demo@example.org\r\n"), std::string::npos);
  EXPECT_NE(h.find("Subject: Your code\r\n"), std::string::npos);
  EXPECT_NE(h.find("MIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(h.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(msg.find("\r\n\r\nline one\r\nline two\r\nline three\r\n"), std::string::npos);
  for (size_t i = 0; i < msg.size(); ++i)
    if (msg[i] == '\n') {
      EXPECT_EQ(msg[i - 1], '\r') << "a bare LF at " << i;
    }
}

TEST(SmtpMessage, EncodesNonAsciiSubjectsAndBodies) {
  auto msg = built({"jb@example.com", "demo@example.org", "Код для входа — ваш код", "Привет"});
  auto h = header_block(msg);
  auto s = h.find("Subject: =?UTF-8?B?");
  ASSERT_NE(s, std::string::npos) << h;
  EXPECT_NE(h.find("Content-Transfer-Encoding: base64"), std::string::npos);
  // Each encoded word is at most 75 characters and decodes to whole UTF-8 sequences.
  std::string decoded;
  size_t p = s + 9;
  while ((p = h.find("=?UTF-8?B?", p)) != std::string::npos) {
    auto end = h.find("?=", p + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - p, 75u);
    std::string b64 = h.substr(p + 10, end - p - 10);
    std::string bin(b64.size(), '\0');
    size_t len = 0;
    ASSERT_EQ(
        sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.data(),
                          b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL),
        0);
    decoded += bin.substr(0, len);
    p = end + 2;
  }
  EXPECT_EQ(decoded, "Код для входа — ваш код");
  EXPECT_EQ(encode_header_text("plain"), "plain");
}

TEST(SmtpMessage, RefusesHeaderInjection) {
  const char* bad[] = {"demo@example.org\r\nBcc: x@evil.test",
                       "demo@example.org\nBcc: x@e.test",
                       "a b@example.org",
                       "<demo@example.org>",
                       "demo",
                       "@example.org",
                       "demo@",
                       "a@b@c",
                       "demo@example..org"};
  for (const char* to : bad) {
    auto r = build_message({"jb@example.com", to, "s", "b"}, 0, "abc@example.com");
    ASSERT_FALSE(r.ok()) << to;
    EXPECT_EQ(r.error().code, errc::smtp_invalid_message);
  }
  auto subj = build_message({"jb@example.com", "d@example.org", "hi\r\nBcc: x@evil.test", "b"}, 0,
                            "abc@example.com");
  ASSERT_FALSE(subj.ok());
  EXPECT_EQ(subj.error().code, errc::smtp_invalid_message);
  auto from = build_message({"JB <jb@example.com>\r\nBcc: x@evil.test", "d@example.org", "s", "b"},
                            0, "abc@example.com");
  EXPECT_FALSE(from.ok());
}

TEST(SmtpMessage, QuotesOrEncodesDisplayNames) {
  auto a = parse_mail_address("\"Jelly, Bridge\" <jb@example.com>");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->name, "Jelly, Bridge");
  EXPECT_EQ(a->addr, "jb@example.com");
  auto h = header_block(built({"\"Jelly, Bridge\" <jb@example.com>", "d@example.org", "s", "b"}));
  EXPECT_NE(h.find("From: \"Jelly, Bridge\" <jb@example.com>\r\n"), std::string::npos) << h;
  h = header_block(built({"Jellybrücke <jb@example.com>", "d@example.org", "s", "b"}));
  EXPECT_NE(h.find("From: =?UTF-8?B?"), std::string::npos) << h;
}

TEST(SmtpConfig, DefaultsAndParsing) {
  {
    auto env = Env::from_map({});
    ConfigReader r(env);
    auto o = load_smtp_options(r);
    EXPECT_TRUE(r.ok());
    EXPECT_FALSE(o.enabled());
  }
  {
    auto env = Env::from_map({{"JB_SMTP_URL", "smtp://mail:587"},
                              {"JB_SMTP_FROM", "Jellybridge <jb@example.com>"},
                              {"JB_SMTP_USERNAME", "jb"},
                              {"JB_SMTP_PASSWORD", "hunter2"}});
    ConfigReader r(env);
    auto o = load_smtp_options(r);
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(o.enabled());
    EXPECT_EQ(o.starttls, StartTls::required);
    EXPECT_TRUE(o.tls_verify);
    EXPECT_EQ(o.password, "hunter2");
    EXPECT_EQ(o.timeout_ms, 10000);
  }
  {
    auto env = Env::from_map({{"JB_SMTP_URL", "smtps://mail:465"},
                              {"JB_SMTP_FROM", "jb@example.com"},
                              {"JB_SMTP_TLS_VERIFY", "false"},
                              {"JB_SMTP_TIMEOUT_MS", "2500"}});
    ConfigReader r(env);
    auto o = load_smtp_options(r);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(o.starttls, StartTls::off) << "smtps is TLS from the start";
    EXPECT_FALSE(o.tls_verify);
    EXPECT_EQ(o.timeout_ms, 2500);
  }
  for (auto bad : std::vector<std::map<std::string, std::string>>{
           {{"JB_SMTP_URL", "http://mail"}, {"JB_SMTP_FROM", "jb@example.com"}},
           {{"JB_SMTP_URL", "smtp://mail"}},
           {{"JB_SMTP_URL", "smtp://mail"}, {"JB_SMTP_FROM", "not an address"}},
           {{"JB_SMTP_URL", "smtp://mail"},
            {"JB_SMTP_FROM", "jb@example.com"},
            {"JB_SMTP_STARTTLS", "maybe"}},
           {{"JB_SMTP_URL", "smtp://mail"},
            {"JB_SMTP_FROM", "jb@example.com"},
            {"JB_SMTP_PASSWORD_FILE", "/nonexistent/jb-smtp-password"}}}) {
    auto env = Env::from_map(bad);
    ConfigReader r(env);
    load_smtp_options(r);
    EXPECT_FALSE(r.ok()) << bad.begin()->second;
  }
  {  // credentials in the URL are refused, and the report never repeats them
    auto env = Env::from_map(
        {{"JB_SMTP_URL", "smtp://jb:url-s3cret@mail:587"}, {"JB_SMTP_FROM", "jb@example.com"}});
    ConfigReader r(env);
    load_smtp_options(r);
    EXPECT_FALSE(r.ok());
    for (const auto& line : r.report()) EXPECT_EQ(line.find("url-s3cret"), std::string::npos);
  }
  auto env = Env::from_map({{"JB_SMTP_URL", "smtp://mail"},
                            {"JB_SMTP_FROM", "jb@example.com"},
                            {"JB_SMTP_PASSWORD", "s3cret-pw"},
                            {"JB_SMTP_TIMEOUT_MS", "1"}});
  ConfigReader r(env);
  load_smtp_options(r);
  for (const auto& line : r.report()) EXPECT_EQ(line.find("s3cret-pw"), std::string::npos);
}

TEST(SmtpMessage, AddressesAreMaskedForLogs) {
  EXPECT_EQ(masked_mail_addr("demo@example.org"), "d***@example.org");
  EXPECT_EQ(masked_mail_addr("@example.org"), "***");
  EXPECT_EQ(masked_mail_addr("not an address"), "***");
}
