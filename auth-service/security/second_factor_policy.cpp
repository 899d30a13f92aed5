// second_factor_policy.cpp — see second_factor_policy.h.
#include "auth-service/security/second_factor_policy.h"

namespace jb::auth {

std::optional<FactorPolicy> parse_factor_policy(std::string_view text) {
  if (text == "optional") return FactorPolicy::kOptional;
  if (text == "admins") return FactorPolicy::kAdmins;
  if (text == "everyone") return FactorPolicy::kEveryone;
  return std::nullopt;
}

const char* factor_policy_name(FactorPolicy p) {
  switch (p) {
    case FactorPolicy::kAdmins:
      return "admins";
    case FactorPolicy::kEveryone:
      return "everyone";
    case FactorPolicy::kOptional:
      break;
  }
  return "optional";
}

bool factor_required(FactorPolicy p, bool is_admin) {
  return p == FactorPolicy::kEveryone || (p == FactorPolicy::kAdmins && is_admin);
}

EnrolDecision enrol_decision(FactorPolicy p, bool is_admin, int64_t grace_started_ms,
                             int64_t grace_ms, int64_t now_ms) {
  EnrolDecision d;
  d.required = factor_required(p, is_admin);
  if (!d.required) return d;
  d.enrol_by_ms = grace_started_ms + grace_ms;
  d.must_enrol = now_ms >= d.enrol_by_ms;
  return d;
}

}  // namespace jb::auth
