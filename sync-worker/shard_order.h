// shard_order.h — the order in which a run's apply shards are queued.
//
// Shards are consecutive stretches of the run's plan, and neighbouring
// stretches tend to write the same feature to the same side (server). Workers
// take the next few shards at once, so queued in plan order they would all
// write to one server while the other's budget idles. Queued in bit-reversed
// order (the van der Corput sequence: 0, n/2, n/4, 3n/4, …) any few
// consecutive shards lie spread over the whole plan instead.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <vector>

namespace jb::worker {

// A permutation of [0, shards): every shard once, consecutive ones far apart.
std::vector<int64_t> shard_order(int64_t shards);

}  // namespace jb::worker
