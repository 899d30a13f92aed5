// second_factor_policy.h — who must have a second factor (issue 12):
// JB_SECOND_FACTOR_POLICY = optional (default) | admins (Jellyfin
// administrators) | everyone, with an enrolment grace period
// (JB_SECOND_FACTOR_GRACE_DAYS).
//
// A user who must have one and has none: the grace period starts at their
// first sign-in under the policy (recorded once, on every replica the same);
// inside it they sign in as before and are told the date by which to enrol;
// after it, sign-in answers a challenge whose only method is `enrol_totp`:
// the user enrols an authenticator through the challenge
// (POST /api/v1/auth/challenge/{id}/enrol) and its first code both confirms
// it and finishes the sign-in. Nobody ever gets a session without the second
// factor the policy asks for, and nobody is locked out by it.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace jb::auth {

enum class FactorPolicy { kOptional, kAdmins, kEveryone };

std::optional<FactorPolicy> parse_factor_policy(std::string_view text);
const char* factor_policy_name(FactorPolicy p);
bool factor_required(FactorPolicy p, bool is_admin);

// What to do with a sign-in of a user who has no second factor.
struct EnrolDecision {
  bool required = false;    // the policy asks this user for one
  bool must_enrol = false;  // the grace period is over: enrol now, within the sign-in
  int64_t enrol_by_ms = 0;  // when required: the end of the grace period
};
// grace_started_ms: when the user's grace period began (their first sign-in
// under the policy).
EnrolDecision enrol_decision(FactorPolicy p, bool is_admin, int64_t grace_started_ms,
                             int64_t grace_ms, int64_t now_ms);

}  // namespace jb::auth
