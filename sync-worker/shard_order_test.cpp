// Unit tests of shard_order.h: a permutation, spread over the plan.
#include "sync-worker/shard_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>

using jb::worker::shard_order;

TEST(ShardOrder, EveryShardExactlyOnce) {
  for (int64_t n : {0, 1, 2, 3, 5, 8, 50, 401, 1024, 1025}) {
    auto order = shard_order(n);
    ASSERT_EQ(static_cast<int64_t>(order.size()), n) << n;
    std::vector<int64_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int64_t> all(static_cast<size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    EXPECT_EQ(sorted, all) << n;
  }
}

TEST(ShardOrder, StartsWithTheFirstAndHalvesTheGaps) {
  EXPECT_EQ(shard_order(8), (std::vector<int64_t>{0, 4, 2, 6, 1, 5, 3, 7}));
  EXPECT_EQ(shard_order(5), (std::vector<int64_t>{0, 4, 2, 1, 3}));
}

// Any four shards queued one after another (what four workers take at once)
// lie spread over the plan: in every window, two of them are at least a
// sixth of the plan apart — never four neighbours writing the same stretch.
TEST(ShardOrder, ConsecutiveShardsAreFarApart) {
  for (int64_t n : {50, 401, 1000}) {
    auto order = shard_order(n);
    for (size_t i = 0; i + 4 <= order.size(); ++i) {
      auto [lo, hi] = std::minmax_element(order.begin() + static_cast<long>(i),
                                          order.begin() + static_cast<long>(i + 4));
      EXPECT_GE(*hi - *lo, n / 6) << "n=" << n << " at " << i;
    }
  }
}
