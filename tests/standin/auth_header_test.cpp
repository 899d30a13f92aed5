// auth_header_test.cpp — the Authorization parser against every example of
// API-NOTES §1.1 (Jellyfin's DefaultAuthorizationHandlerTests included) and
// hostile input.
#include "tests/standin/auth_header.h"

#include <gtest/gtest.h>

namespace jb::standin {
namespace {

TEST(AuthParams, CanonicalSdkHeader) {
  auto p = parse_authorization(
      "MediaBrowser Client=\"My%20App\", Version=\"1.0.0\", DeviceId=\"abc\", Device=\"Pixel\", "
      "Token=\"t0k\"",
      false);
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["Client"], "My App");
  EXPECT_EQ((*p)["Version"], "1.0.0");
  EXPECT_EQ((*p)["DeviceId"], "abc");
  EXPECT_EQ((*p)["Device"], "Pixel");
  EXPECT_EQ((*p)["Token"], "t0k");
}

TEST(AuthParams, PlusDecodesToSpace) {
  auto p = parse_auth_params("Device=\"Living+Room%2BTV\"");
  EXPECT_EQ(p["Device"], "Living Room+TV");
}

TEST(AuthParams, CommasInsideQuotesAreKept) {
  // Jellyfin unit test: x="123,123",y="123".
  auto p = parse_auth_params("x=\"123,123\",y=\"123\"");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p["x"], "123,123");
  EXPECT_EQ(p["y"], "123");
}

TEST(AuthParams, UnicodeValueUnquoted) {
  auto p = parse_auth_params("param=Hörbücher");
  EXPECT_EQ(p["param"], "Hörbücher");
}

TEST(AuthParams, EncodedQuoteIsNotTrimmedAndBadEscapeKept) {
  // Jellyfin unit test: param=%22%Hörbücher → "%Hörbücher.
  auto p = parse_auth_params("param=%22%Hörbücher");
  EXPECT_EQ(p["param"], "\"%Hörbücher");
}

TEST(AuthParams, DuplicateKeyLastWins) {
  auto p = parse_auth_params("Token=\"first\", Token=\"second\"");
  EXPECT_EQ(p["Token"], "second");
}

TEST(AuthParams, QuotesAreOptional) {
  auto p = parse_auth_params("Token=abc, DeviceId=dev");
  EXPECT_EQ(p["Token"], "abc");
  EXPECT_EQ(p["DeviceId"], "dev");
}

TEST(AuthParams, KeysAreCaseSensitiveAndTrimmed) {
  auto p = parse_auth_params("  token=\"lower\",Token=\"upper\"");
  EXPECT_EQ(p["token"], "lower");
  EXPECT_EQ(p["Token"], "upper");
  ClientAuth a =
      extract_client_auth(AuthSources{.authorization = "MediaBrowser token=\"lower\""}, false);
  EXPECT_EQ(a.token, "") << "only the exact key Token counts";
}

TEST(AuthParams, SpaceBeforeOpeningQuoteStaysInValue) {
  auto p = parse_auth_params("Token= \"abc\"");
  EXPECT_EQ(p["Token"], " \"abc");
  // Only quote characters are trimmed: a space after the closing quote stays too.
  auto q = parse_auth_params("Token=\"abc\" , DeviceId=\"d\"");
  EXPECT_EQ(q["Token"], "abc\" ");
  EXPECT_EQ(q["DeviceId"], "d");
}

TEST(AuthParams, UnquotedEqualsStartsANewKey) {
  auto p = parse_auth_params("Token=a=b");
  EXPECT_EQ(p.count("Token"), 0u);
  EXPECT_EQ(p["a"], "b");
}

TEST(AuthParams, AllQuoteCharactersTrimmedBeforeDecoding) {
  auto p = parse_auth_params("Client=\"\"My\"\"");
  EXPECT_EQ(p["Client"], "My");
}

TEST(AuthParams, InvalidUtf8BecomesReplacementCharacter) {
  auto p = parse_auth_params("Device=%FF%41");
  EXPECT_EQ(p["Device"],
            "\xEF\xBF\xBD"
            "A");
}

TEST(AuthScheme, MediaBrowserIsCaseInsensitive) {
  EXPECT_TRUE(parse_authorization("mediabrowser Token=\"x\"", false));
  EXPECT_TRUE(parse_authorization("MEDIABROWSER Token=\"x\"", false));
}

TEST(AuthScheme, EmbyOnlyWithLegacy) {
  EXPECT_FALSE(parse_authorization("Emby Token=\"x\"", false));
  auto p = parse_authorization("emby Token=\"x\"", true);
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["Token"], "x");
}

TEST(AuthScheme, NoSchemeOrOtherSchemeParsesNothing) {
  EXPECT_FALSE(parse_authorization("Token=\"x\"", true));
  EXPECT_FALSE(parse_authorization("Basic dXNlcjpwYXNz", true));
  EXPECT_FALSE(parse_authorization("Bearer abc", true));
  EXPECT_FALSE(parse_authorization("", true));
}

TEST(AuthHostile, EmptyAndDegenerateInputs) {
  EXPECT_TRUE(parse_auth_params("").empty());
  auto commas = parse_auth_params(",,,,,,");
  EXPECT_TRUE(commas.empty());
  auto equals = parse_auth_params("======");
  for (const auto& [k, v] : equals) EXPECT_TRUE(k.empty());
  auto quotes = parse_auth_params("\"\"\"\"\"\"\"");
  EXPECT_LE(quotes.size(), 1u);
  auto unbalanced = parse_auth_params("Token=\"abc, DeviceId=\"dev");
  // The open quote swallows the comma: one value, quote-trimmed.
  EXPECT_EQ(unbalanced["Token"], "abc, DeviceId=\"dev");
  auto mixed = parse_auth_params("=\",=,\"=,");
  (void)mixed;  // must simply not crash
}

TEST(AuthHostile, HugeHeader) {
  std::string huge = "MediaBrowser Token=\"" + std::string(1 << 20, 'a') + "\", DeviceId=\"d\"";
  auto p = parse_authorization(huge, false);
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["Token"].size(), size_t{1} << 20);
  EXPECT_EQ((*p)["DeviceId"], "d");
  std::string commas(1 << 20, ',');
  EXPECT_TRUE(parse_auth_params(commas).empty());
  std::string quotes(1 << 20, '"');
  EXPECT_LE(parse_auth_params(quotes).size(), 1u);
}

TEST(ClientAuthChain, HeaderTokenWins) {
  AuthSources s;
  s.authorization =
      "MediaBrowser Client=\"c\", Device=\"d\", DeviceId=\"i\", Version=\"v\", Token=\"header\"";
  s.x_emby_token = "emby";
  s.query_api_key = "query";
  ClientAuth a = extract_client_auth(s, true);
  EXPECT_TRUE(a.has_params);
  EXPECT_EQ(a.token, "header");
  EXPECT_EQ(a.client, "c");
  EXPECT_EQ(a.device, "d");
  EXPECT_EQ(a.device_id, "i");
  EXPECT_EQ(a.version, "v");
}

TEST(ClientAuthChain, LegacyFallbacksInOrder) {
  AuthSources s;
  s.authorization = "MediaBrowser DeviceId=\"i\"";
  s.x_emby_token = "emby";
  s.x_mediabrowser_token = "mb";
  s.query_api_key = "apikey";
  s.query_api_key_legacy = "api_key";
  EXPECT_EQ(extract_client_auth(s, true).token, "emby");
  s.x_emby_token = "";
  EXPECT_EQ(extract_client_auth(s, true).token, "mb");
  s.x_mediabrowser_token.reset();
  EXPECT_EQ(extract_client_auth(s, true).token, "apikey");
  s.query_api_key.reset();
  EXPECT_EQ(extract_client_auth(s, true).token, "api_key");
}

TEST(ClientAuthChain, WithoutLegacyOnlyApiKeyQuery) {
  AuthSources s;
  s.x_emby_token = "emby";
  s.x_mediabrowser_token = "mb";
  s.query_api_key_legacy = "api_key";
  EXPECT_EQ(extract_client_auth(s, false).token, "");
  s.query_api_key = "apikey";
  EXPECT_EQ(extract_client_auth(s, false).token, "apikey");
}

TEST(ClientAuthChain, XEmbyAuthorizationOnlyWhenAuthorizationEmptyAndLegacy) {
  AuthSources s;
  s.x_emby_authorization = "MediaBrowser Token=\"legacy\"";
  EXPECT_EQ(extract_client_auth(s, true).token, "legacy");
  EXPECT_EQ(extract_client_auth(s, false).token, "");
  s.authorization = "";
  EXPECT_EQ(extract_client_auth(s, true).token, "legacy") << "an empty Authorization falls through";
  s.authorization = "MediaBrowser Token=\"modern\"";
  EXPECT_EQ(extract_client_auth(s, true).token, "modern");
  // A proxy's Basic credentials hide X-Emby-Authorization entirely.
  s.authorization = "Basic dXNlcjpwYXNz";
  ClientAuth a = extract_client_auth(s, true);
  EXPECT_EQ(a.token, "");
  EXPECT_FALSE(a.has_params);
}

TEST(ClientAuthChain, EmbySchemeInXEmbyAuthorization) {
  AuthSources s;
  s.x_emby_authorization =
      "Emby UserId=\"u\", Client=\"Old\", Device=\"D\", DeviceId=\"I\", Version=\"1\", Token=\"t\"";
  ClientAuth a = extract_client_auth(s, true);
  EXPECT_EQ(a.token, "t");
  EXPECT_EQ(a.client, "Old");
}

TEST(Utf8, SanitizeKeepsValidAndReplacesInvalid) {
  EXPECT_EQ(sanitize_utf8("héllo"), "héllo");
  EXPECT_EQ(sanitize_utf8("\xC3"), "\xEF\xBF\xBD");
  EXPECT_EQ(sanitize_utf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD")
      << "overlong encodings are invalid";
  EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD")
      << "surrogates are invalid";
  EXPECT_EQ(sanitize_utf8("😀"), "😀");
}

}  // namespace
}  // namespace jb::standin
