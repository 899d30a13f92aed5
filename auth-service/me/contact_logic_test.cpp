// contact_logic_test.cpp — the pure rules of contact details (me/contact_logic.h)
// and GET /api/v1/me/contacts's answer (me/contact_handlers.h).
#include "auth-service/me/contact_logic.h"

#include <gtest/gtest.h>

#include "auth-service/me/contact_handlers.h"

namespace jb::me {
namespace {

TEST(ContactLogic, TelegramChatIdsAreIntegers) {
  EXPECT_EQ(invalid_contact_id("telegram", "123456789"), "");
  EXPECT_EQ(invalid_contact_id("telegram", "-1001234567890"), "");
  EXPECT_NE(invalid_contact_id("telegram", ""), "");
  EXPECT_NE(invalid_contact_id("telegram", "-"), "");
  EXPECT_NE(invalid_contact_id("telegram", "12a"), "");
  EXPECT_NE(invalid_contact_id("telegram", "+12"), "");
  EXPECT_NE(invalid_contact_id("telegram", "0"), "");
  EXPECT_NE(invalid_contact_id("telegram", "99999999999999999999"), "");
  EXPECT_NE(invalid_contact_id("telegram", "@someone"), "");
}

TEST(ContactLogic, MatrixRoomIdsNotAliases) {
  EXPECT_EQ(invalid_contact_id("matrix", "!abcDEF:example.org"), "");
  EXPECT_EQ(invalid_contact_id("matrix", "!abc:matrix.example.org:8448"), "");
  EXPECT_NE(invalid_contact_id("matrix", "#room:example.org").find("alias"), std::string::npos);
  EXPECT_NE(invalid_contact_id("matrix", "!abc"), "");
  EXPECT_NE(invalid_contact_id("matrix", "!:example.org"), "");
  EXPECT_NE(invalid_contact_id("matrix", "!abc:"), "");
  EXPECT_NE(invalid_contact_id("matrix", "!a b:example.org"), "");
  EXPECT_NE(invalid_contact_id("matrix", "@user:example.org"), "");
  EXPECT_NE(invalid_contact_id("matrix", "!" + std::string(300, 'a') + ":x"), "");
}

TEST(ContactLogic, KindsAddressesAndCodes) {
  EXPECT_TRUE(is_contact_kind("telegram"));
  EXPECT_TRUE(is_contact_kind("matrix"));
  EXPECT_FALSE(is_contact_kind("email"));
  EXPECT_EQ(contact_address("telegram", "-42"), "telegram:-42");
  EXPECT_EQ(contact_address("matrix", "!a:b"), "matrix:!a:b");
  EXPECT_TRUE(plausible_code("012345"));
  EXPECT_FALSE(plausible_code("12345"));
  EXPECT_FALSE(plausible_code("12345a"));
  // Bound to the user and the kind: the same code elsewhere does not match.
  EXPECT_NE(code_hash("u1", "telegram", "123456"), code_hash("u2", "telegram", "123456"));
  EXPECT_NE(code_hash("u1", "telegram", "123456"), code_hash("u1", "matrix", "123456"));
  EXPECT_EQ(code_hash("u1", "telegram", "123456").size(), 64u);
}

TEST(ContactLogic, ContactsJson) {
  Contacts c;
  c.telegram = ContactState{"-42", "77"};
  c.matrix = ContactState{"", "!r:example.org"};
  EXPECT_EQ(contacts_json(auth::EmailAddress{"a@example.org", true}, c),
            R"({"email":{"address":"a@example.org","confirmed":true},)"
            R"("telegram":{"chat_id":"-42","confirmed":true,"pending_chat_id":"77"},)"
            R"("matrix":{"room_id":"!r:example.org","confirmed":false}})");
  EXPECT_EQ(contacts_json(std::nullopt, Contacts{}),
            R"({"email":null,"telegram":null,"matrix":null})");
}

}  // namespace
}  // namespace jb::me
