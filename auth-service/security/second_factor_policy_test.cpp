// Tests for second_factor_policy.h: who must enrol, and when.
#include "auth-service/security/second_factor_policy.h"

#include <gtest/gtest.h>

using namespace jb::auth;

TEST(FactorPolicy, NamesRoundTripAndUnknownNamesAreRefused) {
  for (auto p : {FactorPolicy::kOptional, FactorPolicy::kAdmins, FactorPolicy::kEveryone})
    EXPECT_EQ(parse_factor_policy(factor_policy_name(p)), p);
  EXPECT_FALSE(parse_factor_policy("Admins"));
  EXPECT_FALSE(parse_factor_policy(""));
}

TEST(FactorPolicy, OnlyTheUsersThePolicyNamesMustEnrolAndOnlyAfterTheirGrace) {
  const int64_t day = 24LL * 3600 * 1000, start = 1'000'000'000'000;
  EXPECT_FALSE(enrol_decision(FactorPolicy::kOptional, true, start, 7 * day, start).required);
  EXPECT_FALSE(enrol_decision(FactorPolicy::kAdmins, false, start, 7 * day, start).required);
  auto admin = enrol_decision(FactorPolicy::kAdmins, true, start, 7 * day, start + day);
  EXPECT_TRUE(admin.required);
  EXPECT_FALSE(admin.must_enrol);
  EXPECT_EQ(admin.enrol_by_ms, start + 7 * day);
  EXPECT_FALSE(enrol_decision(FactorPolicy::kEveryone, false, start, 7 * day, start + 7 * day - 1)
                   .must_enrol);
  EXPECT_TRUE(
      enrol_decision(FactorPolicy::kEveryone, false, start, 7 * day, start + 7 * day).must_enrol);
  // No grace at all: enrol at the first sign-in.
  EXPECT_TRUE(enrol_decision(FactorPolicy::kEveryone, false, start, 0, start).must_enrol);
}
