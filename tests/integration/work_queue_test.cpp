// Integration tests of the work queue's ownership rules (common/redis/work_queue.h)
// and the sync-worker's lease keeper (sync-worker/lease_keeper.h) against a
// real redis-server: only an entry's owner renews, acks, hands back or
// dead-letters it; the keeper renews by time, so nobody can claim a held
// entry, and notices at once when another consumer took it.
#include "common/redis/work_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/core/time.h"
#include "sync-worker/lease_keeper.h"
#include "tests/support/eventually.h"
#include "tests/support/redis_server.h"

using namespace jb;
using namespace jb::testing;

namespace {

const workq::Names kNames{"test:work", "test:group", "test:dlq"};

RedisOptions opts_for(const RedisServer& s) {
  return *parse_redis_url(s.url());
}

std::string owner_of(RedisConnection& c, const std::string& id) {
  auto p = c.command({"XPENDING", kNames.stream, kNames.group, id, id, "1"});
  if (!p.ok() || p->elements.empty()) return "";
  return p->elements[0].elements[1].str;
}

// Enqueues one entry and delivers it to consumer "a".
std::string delivered_to_a(RedisConnection& c) {
  EXPECT_TRUE(workq::ensure_group(c, kNames).ok());
  auto id = workq::enqueue(c, kNames, {{"type", "noop"}});
  EXPECT_TRUE(id.ok());
  auto got = workq::read_new(c, kNames, "a", 1, 100);
  EXPECT_TRUE(got.ok() && got->size() == 1);
  return *id;
}

}  // namespace

TEST(WorkQueue, OnlyTheOwnerRenewsAcksHandsBackOrDeadLettersAnEntry) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  std::string id = delivered_to_a(c);
  EXPECT_TRUE(*workq::owns(c, kNames, "a", id));
  EXPECT_TRUE(*workq::renew(c, kNames, "a", id));
  // "b" takes it over (as after a lease ran out).
  ASSERT_TRUE(c.command({"XCLAIM", kNames.stream, kNames.group, "b", "0", id, "JUSTID"}).ok());
  EXPECT_FALSE(*workq::owns(c, kNames, "a", id));
  EXPECT_FALSE(*workq::renew(c, kNames, "a", id));
  EXPECT_FALSE(*workq::hand_back(c, kNames, "a", id, 60000));
  EXPECT_FALSE(*workq::ack_owned(c, kNames, "a", id));
  workq::Item item{id, {{"type", "noop"}}, 1};
  EXPECT_FALSE(*workq::dead_letter(c, kNames, "a", item, "boom"));
  EXPECT_EQ(c.command({"XLEN", kNames.dead_letter})->integer, 0)
      << "a former owner dead-letters nothing";
  EXPECT_EQ(owner_of(c, id), "b") << "nor does it take the entry back";
  EXPECT_EQ(*workq::pending_count(c, kNames), 1);
  // The owner can.
  EXPECT_TRUE(*workq::renew(c, kNames, "b", id));
  EXPECT_TRUE(*workq::dead_letter(c, kNames, "b", item, "boom"));
  EXPECT_EQ(c.command({"XLEN", kNames.dead_letter})->integer, 1);
  EXPECT_EQ(*workq::pending_count(c, kNames), 0);
  // Acked or gone: nobody owns it.
  EXPECT_FALSE(*workq::renew(c, kNames, "b", id));
  EXPECT_FALSE(*workq::ack_owned(c, kNames, "b", id));
}

TEST(WorkQueue, HandBackMakesTheEntryClaimableAtOnceAndAckOwnedAcks) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  std::string id = delivered_to_a(c);
  auto none = workq::claim_stale(c, kNames, "b", 60000, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty()) << "not idle long enough";
  EXPECT_TRUE(*workq::hand_back(c, kNames, "a", id, 60000));
  auto got = workq::claim_stale(c, kNames, "b", 60000, 10);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(owner_of(c, id), "b");
  EXPECT_TRUE(*workq::ack_owned(c, kNames, "b", id));
  EXPECT_EQ(*workq::pending_count(c, kNames), 0);
}

// Two lanes: urgent entries are delivered before older normal ones, a read
// that finds no urgent work takes at most one normal entry, and every call
// about an entry is made on the lane it came from (ids may repeat across lanes).
TEST(WorkQueue, TheUrgentLaneIsReadFirstAndEachEntryKeepsItsLane) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  const workq::Names lanes{"test:work", "test:group", "test:dlq", "test:work:urgent"};
  ASSERT_TRUE(workq::ensure_group(c, lanes).ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(
        workq::enqueue(c, lanes.normal_lane(), {{"type", "scan" + std::to_string(i)}}).ok());
  ASSERT_TRUE(workq::enqueue(c, lanes.urgent_lane(), {{"type", "apply"}}).ok());
  // The same id in both lanes: still two entries.
  ASSERT_TRUE(c.command({"XADD", "test:work", "9999999999999-0", "type", "late"}).ok());
  ASSERT_TRUE(
      c.command({"XADD", "test:work:urgent", "9999999999999-0", "type", "late-urgent"}).ok());

  auto first = workq::read_new(c, lanes, "a", 10, 100);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u) << "the urgent lane first, all of it that fits";
  EXPECT_EQ((*first)[0].field("type"), "apply");
  EXPECT_EQ((*first)[0].stream, "test:work:urgent");
  EXPECT_EQ((*first)[1].field("type"), "late-urgent");
  auto next = workq::read_new(c, lanes, "a", 10, 100);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u) << "no urgent work: one normal entry at a time";
  EXPECT_EQ((*next)[0].field("type"), "scan0");
  EXPECT_EQ((*next)[0].stream, "test:work");
  // Urgent work queued after older normal entries still goes first.
  ASSERT_TRUE(workq::enqueue(c, lanes.urgent_lane(), {{"type", "diff"}}).ok());
  auto then = workq::read_new(c, lanes, "a", 10, 100);
  ASSERT_TRUE(then.ok());
  ASSERT_EQ(then->size(), 1u);
  EXPECT_EQ((*then)[0].field("type"), "diff");

  // Per-entry calls go to the entry's lane: acking the urgent "late" leaves the normal one.
  const workq::Item& late_urgent = (*first)[1];
  EXPECT_TRUE(*workq::ack_owned(c, lanes.lane(late_urgent.stream), "a", late_urgent.id));
  EXPECT_EQ(*workq::pending_count(c, lanes), 3) << "apply, scan0 and diff stay pending";
  // After a restart: our pending entries of both lanes, urgent first.
  auto own = workq::read_own_pending(c, lanes, "a", 10);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 3u);
  EXPECT_EQ((*own)[0].stream, "test:work:urgent");
  EXPECT_EQ((*own)[2].stream, "test:work");
  // Another consumer claims stale entries of both lanes.
  auto claimed = workq::claim_stale(c, lanes, "b", 0, 10);
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(claimed->size(), 3u);
  for (const auto& it : *claimed) EXPECT_TRUE(*workq::owns(c, lanes.lane(it.stream), "b", it.id));
}

TEST(Lease, ValidOnlyBeforeTwoThirdsOfTheLeaseAfterItWasGranted) {
  int64_t now = timeutil::monotonic_ms();
  EXPECT_TRUE(worker::Lease("e", 3000, now).valid());
  EXPECT_FALSE(worker::Lease("e", 3000, now - 2100).valid()) << "the deadline is 2/3 of the lease";
  worker::Lease l("e", 3000, now - 2100);
  l.renewed(now);
  EXPECT_TRUE(l.valid());
  l.renewed(now - 5000);
  EXPECT_TRUE(l.valid()) << "an older renewal never moves the deadline back";
  l.mark_lost();
  EXPECT_FALSE(l.valid());
  std::atomic<bool> stopping{false};
  auto lost = std::make_shared<worker::Lease>("e", 3000, now);
  lost->mark_lost();
  worker::WorkControl ctl(stopping, lost);
  EXPECT_EQ(ctl.check().error().code, "lease_lost");
  stopping = true;
  EXPECT_EQ(ctl.check().error().code, "interrupted");
  worker::WorkControl free(stopping, nullptr);
  EXPECT_TRUE(free.owned());
}

// The keeper renews every lease/3: over several leases, a consumer claiming
// idle entries never gets it; released, it is claimable after one lease.
TEST(LeaseKeeper, RenewsByTimeSoNobodyCanClaimAHeldEntry) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  metrics::Registry registry;
  const int64_t lease_ms = 900;
  worker::LeaseKeeper keeper(opts_for(srv), kNames, "a", lease_ms, registry);
  keeper.start();
  int64_t sent = timeutil::monotonic_ms();
  std::string id = delivered_to_a(c);
  auto lease = keeper.hold(id, sent);
  int64_t until = timeutil::monotonic_ms() + 4 * lease_ms;
  while (timeutil::monotonic_ms() < until) {
    auto got = workq::claim_stale(c, kNames, "b", lease_ms, 10);
    ASSERT_TRUE(got.ok());
    ASSERT_TRUE(got->empty()) << "claimed while its owner held it";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(lease->valid());
  EXPECT_EQ(owner_of(c, id), "a");
  keeper.release(id);
  EXPECT_TRUE(eventually(
      [&] {
        auto got = workq::claim_stale(c, kNames, "b", lease_ms, 10);
        return got.ok() && got->size() == 1;
      },
      10 * static_cast<int>(lease_ms)));
  keeper.stop();
}

TEST(LeaseKeeper, MarksTheLeaseLostWhenAnotherConsumerTookTheEntry) {
  RedisServer srv;
  ASSERT_TRUE(srv.ok());
  RedisConnection c(opts_for(srv));
  metrics::Registry registry;
  worker::LeaseKeeper keeper(opts_for(srv), kNames, "a", 600, registry);
  keeper.start();
  int64_t sent = timeutil::monotonic_ms();
  std::string id = delivered_to_a(c);
  auto lease = keeper.hold(id, sent);
  ASSERT_TRUE(c.command({"XCLAIM", kNames.stream, kNames.group, "b", "0", id, "JUSTID"}).ok());
  EXPECT_TRUE(eventually([&] { return lease->lost(); }, 5000));
  EXPECT_FALSE(lease->valid());
  EXPECT_EQ(owner_of(c, id), "b") << "the keeper never takes an entry back";
  EXPECT_NE(registry.render().find("jb_work_leases_lost_total 1"), std::string::npos)
      << registry.render();
  keeper.stop();
}
