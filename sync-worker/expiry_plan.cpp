// expiry_plan.cpp — see expiry_plan.h.
#include "sync-worker/expiry_plan.h"

#include <algorithm>
#include <functional>

#include "common/core/text.h"

namespace jb::worker {

Result<std::vector<int>> parse_reminder_days(const std::string& text) {
  std::vector<int> out;
  if (text::trim(text) == "none") return out;
  for (const auto& raw : text::split(text, ',')) {
    const std::string part(text::trim(raw));
    if (part.empty()) continue;
    int64_t d = 0;
    if (!text::parse_int64(part, d) || d < 1 || d > 3650)
      return Error(errc::invalid_request,
                   "Reminder days must be whole numbers of days from 1 to 3650, comma separated.",
                   400);
    out.push_back(static_cast<int>(d));
  }
  std::sort(out.begin(), out.end(), std::greater<>());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const char* action_name(ExpiryAction a) {
  switch (a) {
    case ExpiryAction::none:
      return "none";
    case ExpiryAction::remind:
      return "remind";
    case ExpiryAction::disable:
      return "disable";
    case ExpiryAction::remove:
      return "delete";
    case ExpiryAction::remove_disabled:
      return "delete_disabled";
    case ExpiryAction::enable:
      return "enable";
  }
  return "none";
}

namespace {

// When the account is next due while its expiry has not passed: the next
// reminder not yet done, else the expiry itself.
int64_t next_before_expiry(int64_t expires, const std::set<int>& done, const ExpirySettings& st) {
  int64_t next = expires;
  for (int d : st.reminder_days)
    if (!done.count(d)) next = std::min(next, expires - d * kDayMs);
  return next;
}

}  // namespace

ExpiryPlan plan_expiry(const ExpiryState& s, int64_t now_ms, const ExpirySettings& st) {
  ExpiryPlan p;
  // Disabled by an earlier expiry, and an admin has since moved it into the
  // future or cleared it: the account comes back.
  if (s.disabled_at_ms > 0 && s.expired_for != s.expires_ms &&
      (s.expires_ms <= 0 || now_ms < s.expires_ms)) {
    p.action = ExpiryAction::enable;
    if (s.expires_ms > 0) {
      p.reminded = s.reminded_for == s.expires_ms ? s.reminded : std::set<int>{};
      p.next_due_ms = next_before_expiry(s.expires_ms, p.reminded, st);
    }
    return p;
  }
  if (s.expires_ms <= 0) return p;  // never expires: nothing is due
  if (s.expired_for == s.expires_ms) {
    // Acted on already: what remains is deleting a disabled account later.
    if (st.delete_on_expiry || st.delete_after_days <= 0 || s.disabled_at_ms <= 0) return p;
    const int64_t at = s.disabled_at_ms + st.delete_after_days * kDayMs;
    if (now_ms >= at) {
      p.action = ExpiryAction::remove_disabled;
      return p;
    }
    p.next_due_ms = at;
    return p;
  }
  if (now_ms >= s.expires_ms) {
    if (st.delete_on_expiry) {
      p.action = ExpiryAction::remove;
    } else {
      p.action = ExpiryAction::disable;
      if (st.delete_after_days > 0) p.next_due_ms = now_ms + st.delete_after_days * kDayMs;
    }
    return p;
  }
  std::set<int> done = s.reminded_for == s.expires_ms ? s.reminded : std::set<int>{};
  // Reminder days (descending) whose time has come and that are not done.
  int nearest = 0;
  for (int d : st.reminder_days)
    if (!done.count(d) && now_ms >= s.expires_ms - d * kDayMs) nearest = d;  // ends smallest
  if (nearest > 0) {
    for (int d : st.reminder_days)
      if (d >= nearest) done.insert(d);
    p.action = ExpiryAction::remind;
    p.days = nearest;
  }
  p.reminded = done;
  p.next_due_ms = next_before_expiry(s.expires_ms, done, st);
  return p;
}

std::string days_text(const std::set<int>& days) {
  std::string out;
  for (auto it = days.rbegin(); it != days.rend(); ++it)
    out += (out.empty() ? "" : ",") + std::to_string(*it);
  return out;
}

std::set<int> parse_days(const std::string& text) {
  std::set<int> out;
  for (const auto& part : text::split(text, ',')) {
    int64_t d = 0;
    if (text::parse_int64(text::trim(part), d) && d > 0) out.insert(static_cast<int>(d));
  }
  return out;
}

}  // namespace jb::worker
