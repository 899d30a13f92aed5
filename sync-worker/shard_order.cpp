// shard_order.cpp — see shard_order.h.
#include "sync-worker/shard_order.h"

#include <cstddef>

namespace jb::worker {

std::vector<int64_t> shard_order(int64_t shards) {
  std::vector<int64_t> out;
  if (shards <= 0) return out;
  out.reserve(static_cast<size_t>(shards));
  int bits = 0;
  while ((int64_t{1} << bits) < shards) ++bits;
  // Bit-reversing every index below the next power of two and keeping those
  // below `shards` yields each shard exactly once.
  for (int64_t i = 0; i < (int64_t{1} << bits); ++i) {
    int64_t r = 0;
    for (int b = 0; b < bits; ++b)
      if (i & (int64_t{1} << b)) r |= int64_t{1} << (bits - 1 - b);
    if (r < shards) out.push_back(r);
  }
  return out;
}

}  // namespace jb::worker
