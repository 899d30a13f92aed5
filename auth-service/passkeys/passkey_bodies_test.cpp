// Unit tests of the passkey routes' body parsers (passkey_bodies.h): the
// browser's JSON form is decoded, extra members browsers add are ignored, and
// each malformed field is named.
#include "auth-service/passkeys/passkey_bodies.h"

#include <gtest/gtest.h>

#include "common/core/base64url.h"

using namespace jb;
using namespace jb::auth;

namespace {

http::Request request(std::string body) {
  http::Request r;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

std::string named(const BodyProblem& p) {
  std::string out;
  for (const auto& [field, problem] : p.invalid_params) out += field + ";";
  return out;
}

const std::string kId = b64url::encode("credential-id");

std::string assertion(const std::string& response) {
  return R"({"id":")" + kId + R"(","rawId":")" + kId +
         R"(","type":"public-key","authenticatorAttachment":"platform","response":)" + response +
         "}";
}

}  // namespace

TEST(PasskeyBodies, ARegistrationIsDecoded) {
  auto b = parse_passkey_register_body(request(
      R"({"challenge_id":"jbw_x","name":"  Phone ","credential":{"id":")" + kId + R"(","rawId":")" +
      kId +
      R"(","type":"public-key","clientExtensionResults":{},"response":{"clientDataJSON":"e30","attestationObject":"oA","transports":["internal","hybrid"],"publicKeyAlgorithm":-7}}})"));
  ASSERT_TRUE(b.ok()) << named(b.problem());
  EXPECT_EQ(b->name, "Phone");
  EXPECT_EQ(b->credential.id, "credential-id");
  EXPECT_EQ(b->credential.client_data_json, "{}");
  EXPECT_EQ(b->credential.attestation_object, "\xa0");
  EXPECT_EQ(b->credential.transports, (std::vector<std::string>{"internal", "hybrid"}));
  auto unnamed = parse_passkey_register_body(request(
      R"({"challenge_id":"jbw_x","credential":{"id":")" + kId + R"(","rawId":")" + kId +
      R"(","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}})"));
  ASSERT_TRUE(unnamed.ok());
  EXPECT_EQ(unnamed->name, "Passkey");
}

TEST(PasskeyBodies, EachBadFieldIsNamed) {
  auto b = parse_passkey_register_body(request(
      R"({"challenge_id":"jbw_x","name":"","extra":1,"credential":{"id":"***","rawId":")" + kId +
      R"(","type":"password","response":{"clientDataJSON":"e30","transports":[1]}}})"));
  ASSERT_FALSE(b.ok());
  const std::string n = named(b.problem());
  for (const char* f :
       {"name;", "extra;", "credential.id;", "credential.type;",
        "credential.response.attestationObject;", "credential.response.transports;"})
    EXPECT_NE(n.find(f), std::string::npos) << f << " in " << n;
  auto other_raw = parse_passkey_sign_in_body(request(
      R"({"challenge_id":"jbw_x","credential":{"id":")" + kId +
      R"(","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA"}}})"));
  ASSERT_FALSE(other_raw.ok());
  EXPECT_NE(named(other_raw.problem()).find("credential.rawId"), std::string::npos);
  auto too_long = parse_passkey_sign_in_body(
      request(R"({"challenge_id":"jbw_x","credential":)" +
              assertion(R"({"clientDataJSON":"e30","authenticatorData":"AA","signature":")" +
                        std::string(3000, 'A') + R"("})") +
              "}"));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(named(too_long.problem()).find("credential.response.signature"), std::string::npos);
  EXPECT_FALSE(parse_passkey_sign_in_body(request(R"({"challenge_id":"jbw_x"})")).ok());
  EXPECT_FALSE(parse_passkey_sign_in_body(request("[]")).ok());
  EXPECT_FALSE(parse_passkey_patch_body(request("{}")).ok()) << "nothing to change";
  EXPECT_FALSE(parse_passkey_options_body(request(R"({"passwordless":"yes"})")).ok());
  EXPECT_TRUE(parse_passkey_options_body(request("")).ok()) << "an empty body is {}";
}

TEST(PasskeyBodies, AnAssertionIsDecodedWithItsUserHandle) {
  auto b = parse_passkey_sign_in_body(request(
      R"({"challenge_id":"jbw_x","device_id":"browser-1","credential":)" +
      assertion(
          R"({"clientDataJSON":"e30","authenticatorData":"AAEC","signature":"MEQ","userHandle":")" +
          b64url::encode("a11ce") + R"("})") +
      "}"));
  ASSERT_TRUE(b.ok()) << named(b.problem());
  EXPECT_EQ(b->credential.id, "credential-id");
  EXPECT_EQ(b->credential.assertion.authenticator_data, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(b->credential.user_handle, "a11ce");
  EXPECT_EQ(b->device_id, "browser-1");
  auto null_handle = parse_passkey_sign_in_body(request(
      R"({"challenge_id":"jbw_x","credential":)" +
      assertion(
          R"({"clientDataJSON":"e30","authenticatorData":"AA","signature":"AA","userHandle":null})") +
      "}"));
  ASSERT_TRUE(null_handle.ok()) << named(null_handle.problem());
  EXPECT_EQ(null_handle->credential.user_handle, "");
}
