// Unit tests for expiry_plan.h: reminders (once each, only the nearest when
// found late), the expiry's action by setting, deletion after a grace period,
// a changed expiry resetting the reminders, and the due time always being the
// next thing to do.
#include "sync-worker/expiry_plan.h"

#include <gtest/gtest.h>

using namespace jb::worker;

namespace {

constexpr int64_t kExp = 1'800'000'000'000;  // the expiry (ms)

ExpiryState at(int64_t expires) {
  ExpiryState s;
  s.expires_ms = expires;
  return s;
}

}  // namespace

TEST(ExpiryPlan, ReminderDaysParse) {
  auto d = parse_reminder_days(" 1, 7,7 ,3");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, (std::vector<int>{7, 3, 1}));
  auto none = parse_reminder_days("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto none_said = parse_reminder_days("none");
  ASSERT_TRUE(none_said.ok());
  EXPECT_TRUE(none_said->empty());
  EXPECT_FALSE(parse_reminder_days("7,x").ok());
  EXPECT_FALSE(parse_reminder_days("0").ok());
  EXPECT_FALSE(parse_reminder_days("-1").ok());
  EXPECT_EQ(days_text({1, 7}), "7,1");
  EXPECT_EQ(parse_days("7,1"), (std::set<int>{1, 7}));
}

TEST(ExpiryPlan, NeverExpiresIsNeverDue) {
  auto p = plan_expiry(at(0), kExp, ExpirySettings{});
  EXPECT_EQ(p.action, ExpiryAction::none);
  EXPECT_EQ(p.next_due_ms, 0);
}

TEST(ExpiryPlan, EarlyAccountIsDueAtItsFirstReminder) {
  auto p = plan_expiry(at(kExp), kExp - 30 * kDayMs, ExpirySettings{});
  EXPECT_EQ(p.action, ExpiryAction::none);
  EXPECT_EQ(p.next_due_ms, kExp - 7 * kDayMs);
}

TEST(ExpiryPlan, RemindersAreSentOnceEachThenTheExpiry) {
  ExpirySettings st;
  ExpiryState s = at(kExp);
  int64_t now = kExp - 7 * kDayMs;
  auto p = plan_expiry(s, now, st);
  ASSERT_EQ(p.action, ExpiryAction::remind);
  EXPECT_EQ(p.days, 7);
  EXPECT_EQ(p.next_due_ms, kExp - kDayMs);
  s.reminded_for = kExp;
  s.reminded = p.reminded;
  // Redone at the same time: nothing more.
  auto again = plan_expiry(s, now, st);
  EXPECT_EQ(again.action, ExpiryAction::none);
  EXPECT_EQ(again.next_due_ms, kExp - kDayMs);
  now = kExp - kDayMs + 5;
  p = plan_expiry(s, now, st);
  ASSERT_EQ(p.action, ExpiryAction::remind);
  EXPECT_EQ(p.days, 1);
  EXPECT_EQ(p.next_due_ms, kExp);
  s.reminded = p.reminded;
  EXPECT_EQ(plan_expiry(s, now, st).action, ExpiryAction::none);
}

TEST(ExpiryPlan, FoundLateOnlyTheNearestReminderIsSent) {
  auto p = plan_expiry(at(kExp), kExp - kDayMs / 2, ExpirySettings{});
  ASSERT_EQ(p.action, ExpiryAction::remind);
  EXPECT_EQ(p.days, 1);
  EXPECT_EQ(p.reminded, (std::set<int>{1, 7}));
  EXPECT_EQ(p.next_due_ms, kExp);
}

TEST(ExpiryPlan, NoRemindersConfigured) {
  ExpirySettings st;
  st.reminder_days.clear();
  auto p = plan_expiry(at(kExp), kExp - 3 * kDayMs, st);
  EXPECT_EQ(p.action, ExpiryAction::none);
  EXPECT_EQ(p.next_due_ms, kExp);
}

TEST(ExpiryPlan, RemindersOfAnotherExpiryDoNotCount) {
  ExpiryState s = at(kExp);
  s.reminded_for = kExp - 10 * kDayMs;  // the expiry before an admin extended it
  s.reminded = {7, 1};
  auto p = plan_expiry(s, kExp - 7 * kDayMs, ExpirySettings{});
  ASSERT_EQ(p.action, ExpiryAction::remind);
  EXPECT_EQ(p.days, 7);
}

TEST(ExpiryPlan, ExpiryDisablesByDefaultAndIsThenDone) {
  ExpirySettings st;
  ExpiryState s = at(kExp);
  auto p = plan_expiry(s, kExp + 1, st);
  EXPECT_EQ(p.action, ExpiryAction::disable);
  EXPECT_EQ(p.next_due_ms, 0);
  s.expired_for = kExp;
  s.disabled_at_ms = kExp + 1;
  p = plan_expiry(s, kExp + 100 * kDayMs, st);
  EXPECT_EQ(p.action, ExpiryAction::none);
  EXPECT_EQ(p.next_due_ms, 0);
}

TEST(ExpiryPlan, ExpiryDeletesWhenSetTo) {
  ExpirySettings st;
  st.delete_on_expiry = true;
  st.delete_after_days = 5;  // irrelevant when deleting at once
  auto p = plan_expiry(at(kExp), kExp, st);
  EXPECT_EQ(p.action, ExpiryAction::remove);
  EXPECT_EQ(p.next_due_ms, 0);
}

TEST(ExpiryPlan, DisabledAccountsAreDeletedAfterTheGracePeriod) {
  ExpirySettings st;
  st.delete_after_days = 3;
  ExpiryState s = at(kExp);
  auto p = plan_expiry(s, kExp + 10, st);
  ASSERT_EQ(p.action, ExpiryAction::disable);
  EXPECT_EQ(p.next_due_ms, kExp + 10 + 3 * kDayMs);
  s.expired_for = kExp;
  s.disabled_at_ms = kExp + 10;
  p = plan_expiry(s, kExp + 2 * kDayMs, st);
  EXPECT_EQ(p.action, ExpiryAction::none);
  EXPECT_EQ(p.next_due_ms, kExp + 10 + 3 * kDayMs);
  p = plan_expiry(s, kExp + 10 + 3 * kDayMs, st);
  EXPECT_EQ(p.action, ExpiryAction::remove_disabled);
  EXPECT_EQ(p.next_due_ms, 0);
}

TEST(ExpiryPlan, ANewExpiryAfterActingIsPlannedAfresh) {
  ExpiryState s = at(kExp + 30 * kDayMs);  // extended after it had expired
  s.expired_for = kExp;
  s.disabled_at_ms = kExp;
  auto p = plan_expiry(s, kExp + kDayMs, ExpirySettings{});
  EXPECT_EQ(p.action, ExpiryAction::enable);  // disabled by the old expiry: back
  EXPECT_EQ(p.next_due_ms, kExp + 23 * kDayMs);
  EXPECT_TRUE(p.reminded.empty());
  s.disabled_at_ms = 0;  // enabled again: the new expiry's reminders follow
  p = plan_expiry(s, kExp + kDayMs, ExpirySettings{});
  EXPECT_EQ(p.action, ExpiryAction::none);
  EXPECT_EQ(p.next_due_ms, kExp + 23 * kDayMs);
}

TEST(ExpiryPlan, AClearedExpiryEnablesAnAccountItDisabled) {
  ExpiryState s = at(0);
  s.expired_for = kExp;
  s.disabled_at_ms = kExp;
  auto p = plan_expiry(s, kExp + kDayMs, ExpirySettings{});
  EXPECT_EQ(p.action, ExpiryAction::enable);
  EXPECT_EQ(p.next_due_ms, 0);
  // An expiry moved but still past does not enable: it is acted on again.
  s = at(kExp + kDayMs);
  s.expired_for = kExp;
  s.disabled_at_ms = kExp;
  EXPECT_EQ(plan_expiry(s, kExp + 2 * kDayMs, ExpirySettings{}).action, ExpiryAction::disable);
}

TEST(ExpiryPlan, DueTimeIsNeverInThePastUnlessActing) {
  ExpirySettings st;
  st.reminder_days = {30, 14, 7, 3, 1};
  st.delete_after_days = 2;
  for (int64_t now = kExp - 40 * kDayMs; now < kExp + 5 * kDayMs; now += kDayMs / 3) {
    ExpiryState s = at(kExp);
    // Follow the plan as the step would, at this time, until nothing is left now.
    for (int i = 0; i < 10; ++i) {
      auto p = plan_expiry(s, now, st);
      if (p.action == ExpiryAction::none) {
        EXPECT_TRUE(p.next_due_ms == 0 || p.next_due_ms > now) << now;
        break;
      }
      if (p.action == ExpiryAction::remind) {
        s.reminded_for = kExp;
        s.reminded = p.reminded;
      } else if (p.action == ExpiryAction::disable) {
        s.expired_for = kExp;
        s.disabled_at_ms = now;
      } else {
        break;
      }
      ASSERT_LT(i, 9);
    }
  }
}
