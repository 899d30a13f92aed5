// Unit tests of pairing_store.h's pure helpers: pairing codes (the recovery-code
// alphabet, XXX-XXX, typed loosely), device names and the polling id's shape.
#include "auth-service/security/pairing_store.h"

#include <gtest/gtest.h>

#include <set>

#include "common/core/recovery_codes.h"

using namespace jb::auth;

TEST(Pairing, CodesAreSixSymbolsOfTheRecoveryAlphabetShownAsThreeDashThree) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string c = new_pairing_code();
    ASSERT_EQ(c.size(), 7u) << c;
    EXPECT_EQ(c[3], '-') << c;
    for (size_t k : {0, 1, 2, 4, 5, 6})
      EXPECT_NE(jb::recovery::kAlphabet.find(c[k]), std::string::npos) << c;
    EXPECT_EQ(normalize_pairing_code(c), c.substr(0, 3) + c.substr(4));
    seen.insert(c);
  }
  EXPECT_GT(seen.size(), 190u) << "about 887 million codes: repeats are rare";
}

TEST(Pairing, TypedCodesIgnoreCaseSpacesAndDashesAndRejectTheRest) {
  EXPECT_EQ(normalize_pairing_code("abc-def"), "ABCDEF");
  EXPECT_EQ(normalize_pairing_code(" ABC DEF "), "ABCDEF");
  EXPECT_EQ(normalize_pairing_code("a-b-c-d-e-f"), "ABCDEF");
  EXPECT_FALSE(normalize_pairing_code("ABC-DE"));       // too short
  EXPECT_FALSE(normalize_pairing_code("ABC-DEFG"));     // too long
  EXPECT_FALSE(normalize_pairing_code("ABC-DE0"));      // 0 is not a symbol
  EXPECT_FALSE(normalize_pairing_code("ABC-DEI"));      // nor I
  EXPECT_FALSE(normalize_pairing_code("K7QH2-MX9RT"));  // a recovery code is not one
  EXPECT_FALSE(normalize_pairing_code(""));
}

TEST(Pairing, DeviceNamesArePrintableTextOfOneToSixtyFourCharacters) {
  EXPECT_FALSE(device_name_problem("Living-room TV"));
  EXPECT_FALSE(device_name_problem("Fernseher im Wohnzimmer (Küche)"));
  EXPECT_FALSE(device_name_problem(std::string(64, 'x')));
  std::string umlauts;
  for (int i = 0; i < 64; ++i) umlauts += "ü";  // 128 bytes, 64 characters
  EXPECT_FALSE(device_name_problem(umlauts));
  EXPECT_TRUE(device_name_problem(std::string(65, 'x')));
  EXPECT_TRUE(device_name_problem(""));
  EXPECT_TRUE(device_name_problem("   "));
  EXPECT_TRUE(device_name_problem("TV\n"));
  EXPECT_TRUE(device_name_problem(std::string("TV\0x", 4)));
  EXPECT_TRUE(device_name_problem("TV\x7f"));
  EXPECT_TRUE(device_name_problem("TV \xff"));      // not UTF-8
  EXPECT_TRUE(device_name_problem("TV \xc3"));      // cut short
  EXPECT_TRUE(device_name_problem("TV \xc3\x28"));  // a lead byte without its continuation
}

TEST(Pairing, OnlyWellFormedPollingIdsAreLookedUp) {
  const std::string ok = "jbp_" + std::string(43, 'A');
  EXPECT_TRUE(looks_like_pairing_id(ok));
  EXPECT_TRUE(looks_like_pairing_id("jbp_" + std::string(40, 'a') + "-_9"));
  EXPECT_FALSE(looks_like_pairing_id("jbc_" + std::string(43, 'A')));
  EXPECT_FALSE(looks_like_pairing_id(ok + "A"));
  EXPECT_FALSE(looks_like_pairing_id(ok.substr(0, 46)));
  EXPECT_FALSE(looks_like_pairing_id("jbp_" + std::string(42, 'A') + "/"));
  EXPECT_FALSE(looks_like_pairing_id(""));
}
