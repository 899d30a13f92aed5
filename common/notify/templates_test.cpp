// templates_test.cpp — the account messages' templates: defaults, validation,
// escaping and the Markdown rendering (HTML and plain text).
#include "common/notify/templates.h"

#include <gtest/gtest.h>

#include "common/notify/message.h"

namespace jb::msg {
namespace {

TEST(Templates, EveryKindHasAValidDefault) {
  for (const auto& k : kinds()) {
    Template t = default_template(k);
    EXPECT_FALSE(t.subject.empty()) << k;
    EXPECT_TRUE(validate_template(k, t).empty()) << k;
    EXPECT_FALSE(template_variables(k).empty()) << k;
    Rendered r = render(t, sample_vars(k));
    EXPECT_EQ(r.subject.find("{{"), std::string::npos) << k;
    EXPECT_EQ(r.text.find("{{"), std::string::npos) << k;
  }
  EXPECT_TRUE(default_template("nope").subject.empty());
}

TEST(Templates, UnknownAndMalformedPlaceholdersAreRefused) {
  auto p = validate_template("reset", {"Hi {{user_name}}", "Go {{ link }} {{password}}"});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "body");
  EXPECT_NE(p[0].second.find("password"), std::string::npos);
  p = validate_template("reset", {"Hi {{user_name", "x"});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].first, "subject");
  EXPECT_FALSE(validate_template("reset", {"", "x"}).empty());
  EXPECT_FALSE(validate_template("reset", {"two\nlines", "x"}).empty());
  EXPECT_FALSE(validate_template("reset", {"bad \xff utf", "x"}).empty());
  EXPECT_FALSE(validate_template("reset", {"s", std::string(20001, 'a')}).empty());
}

TEST(Templates, SubstitutesAndLeavesMissingOnesEmpty) {
  EXPECT_EQ(substitute("a {{x}} b {{ y }} c {{z}}", {{"x", "1"}, {"y", "2"}}, false), "a 1 b 2 c ");
  EXPECT_EQ(substitute("{{x}}", {{"x", "*b* <i>\n# h"}}, true), "\\*b\\* \\<i\\> \\# h");
}

TEST(Templates, ValuesCannotInjectMarkdownOrHtml) {
  Template t{"Hello {{user_name}}", "Hi {{user_name}}!\n\n{{message}}\n"};
  Rendered r = render(t, {{"user_name", "<script>alert(1)</script>"},
                          {"message", "[click](javascript:x) **bold**\n# big"}});
  EXPECT_EQ(r.html.find("<script>"), std::string::npos) << r.html;
  EXPECT_NE(r.html.find("&lt;script&gt;"), std::string::npos) << r.html;
  EXPECT_EQ(r.html.find("<a "), std::string::npos) << r.html;
  EXPECT_EQ(r.html.find("<strong>"), std::string::npos) << r.html;
  EXPECT_EQ(r.html.find("<h1>"), std::string::npos) << r.html;
  EXPECT_NE(r.text.find("[click](javascript:x) **bold** # big"), std::string::npos) << r.text;
  EXPECT_EQ(r.subject, "Hello <script>alert(1)</script>");
}

TEST(Templates, RawHtmlInTheTemplateDoesNotPass) {
  std::string html = markdown_to_html("a <b onclick=\"x\">b</b>\n\n<div>block</div>\n");
  EXPECT_EQ(html.find("<b "), std::string::npos) << html;
  EXPECT_EQ(html.find("<div>"), std::string::npos) << html;
  EXPECT_EQ(markdown_to_html("[x](javascript:alert(1))").find("javascript"), std::string::npos);
  EXPECT_EQ(markdown_to_text("a <b>x</b>\n"), "a x\n");
}

TEST(Templates, PlainTextWalksTheTree) {
  EXPECT_EQ(markdown_to_text("# Title\n\nSome *emph* and [a link](https://x.example/a).\n\n"
                             "- one\n- two\n\n1. first\n2. second\n\nend  \nnext\n"),
            "Title\n\nSome emph and a link (https://x.example/a).\n\n- one\n- two\n\n"
            "1. first\n2. second\n\nend\nnext\n");
  // A link whose text is its URL stays alone on its line.
  Rendered r = render(default_template("reset"),
                      {{"user_name", "demo"}, {"link", "https://m.example/#/reset/Ab_c-1"}});
  EXPECT_NE(r.text.find("\n\nhttps://m.example/#/reset/Ab_c-1\n\n"), std::string::npos) << r.text;
  EXPECT_NE(r.html.find("href=\"https://m.example/#/reset/Ab_c-1\""), std::string::npos) << r.html;
  EXPECT_EQ(r.subject, "Set a new password for demo");
}

}  // namespace
}  // namespace jb::msg
