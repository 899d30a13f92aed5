// noop_handler.h — the "noop" work type: does nothing for `sleep_ms`
// milliseconds (default 0). It exists so operators and tests can check the
// queue end to end (delivery, ack, hand-back on shutdown, claiming after a
// SIGKILL) without touching Jellyfin.
//
// Thread-safety: stateless.
#pragma once

#include <atomic>

#include "common/core/result.h"
#include "common/redis/work_queue.h"
#include "sync-worker/lease_keeper.h"

namespace jb::worker {

Status noop_handler(const workq::Item& item, const WorkControl& ctl);

}  // namespace jb::worker
