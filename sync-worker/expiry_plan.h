// expiry_plan.h — account expiry's decisions (issue 14, Expiry), as pure
// functions: given what the account record says (its expiry, the reminders
// already sent for it, whether the expiry was acted on and when the account
// was disabled), the time now and the settings (JB_EXPIRY_*), what the
// expiry step (expiry_step.h) does now and when the account is next due.
//
// Record fields (jb:account:<uid>, account_record.h) the step keeps:
//   expires       the expiry (ms; 0 = never), written by auth-service
//   reminded_for  the expiry the `reminded` list belongs to (another expiry:
//                 no reminder sent for the current one yet)
//   reminded      comma list of the reminder days already sent (or skipped)
//   expired_for   the expiry the step acted on (disabled or deleted)
//   disabled_at   when the step disabled the account (ms)
//
// Reminders: of the reminder days whose time has come and that were not sent,
// only the nearest to the expiry is sent (the others are marked as skipped),
// so an account found late gets one reminder, not a burst.
//
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/core/result.h"

namespace jb::worker {

inline constexpr int64_t kDayMs = 86400000;

struct ExpirySettings {
  bool delete_on_expiry = false;         // JB_EXPIRY_ACTION: disable (false) | delete (true)
  int delete_after_days = 0;             // JB_EXPIRY_DELETE_AFTER_DAYS: with disable, delete later
  std::vector<int> reminder_days{7, 1};  // JB_EXPIRY_REMINDER_DAYS
};

// "7,1" → {7, 1} (sorted descending, duplicates dropped); "" or "none" → none. Error for
// anything but positive day counts.
Result<std::vector<int>> parse_reminder_days(const std::string& text);

struct ExpiryState {
  int64_t expires_ms = 0;  // 0 = never
  int64_t reminded_for = 0;
  std::set<int> reminded;  // days, for reminded_for
  int64_t expired_for = 0;
  int64_t disabled_at_ms = 0;
};

enum class ExpiryAction {
  none,             // nothing now
  remind,           // send the reminder `days` days before the expiry
  disable,          // the expiry passed: disable the account
  remove,           // the expiry passed: delete the account
  remove_disabled,  // disabled long enough: delete the account
  enable,           // disabled by an expiry that was since moved on or cleared: enable again
};
const char* action_name(ExpiryAction a);

struct ExpiryPlan {
  ExpiryAction action = ExpiryAction::none;
  int days = 0;             // remind: the reminder's day count
  std::set<int> reminded;   // remind: the reminder days done after it (sent or skipped)
  int64_t next_due_ms = 0;  // after the action: when the account is due again (0 = never)
};

ExpiryPlan plan_expiry(const ExpiryState& s, int64_t now_ms, const ExpirySettings& settings);

// The `reminded` field's text and back ("7,1").
std::string days_text(const std::set<int>& days);
std::set<int> parse_days(const std::string& text);

}  // namespace jb::worker
