// consumer.cpp — see consumer.h.
#include "sync-worker/consumer.h"

#include <thread>

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/memory_trim.h"
#include "common/core/result.h"
#include "common/core/thread_priority.h"
#include "common/core/time.h"
#include "sync-worker/lease_keeper.h"
#include "sync-worker/sync_context.h"

namespace jb::worker {

namespace {
// Entries being processed by any consumer of this process (for the idle trim).
std::atomic<int> g_busy{0};
}  // namespace

Consumer::Consumer(RedisOptions redis, ConsumerOptions opts, metrics::Registry& registry,
                   EventPublisher* events)
    : conn_(redis),
      opts_(std::move(opts)),
      keeper_(redis, opts_.names, opts_.consumer, opts_.lease_ms, registry),
      registry_(registry),
      events_(events) {}

Consumer::~Consumer() {
  stop();
}

void Consumer::on(const std::string& type, WorkHandler h) {
  handlers_[type] = std::move(h);
}

void Consumer::start() {
  keeper_.start();
  thread_ = std::thread([this] { loop(); });
}

void Consumer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  keeper_.stop();
}

workq::Names Consumer::lane_of(const workq::Item& item) const {
  return item.stream.empty() ? opts_.names.normal_lane() : opts_.names.lane(item.stream);
}

void Consumer::process(const workq::Item& item, const std::shared_ptr<Lease>& lease) {
  const workq::Names lane = lane_of(item);
  auto count = [&](const char* outcome) {
    registry_.counter("jb_work_items_total", "Work items by outcome", {{"outcome", outcome}}).inc();
  };
  std::string type = item.field("type");
  if (!lease->valid()) {
    // Fetched, but held too long before we got to it: another worker may own it now.
    log::info("work entry no longer ours before it started; left to its owner",
              {{"entry", item.id}, {"type", type}});
    count("lease_lost");
    return;
  }
  auto dead_letter = [&](const std::string& why) {
    lease->finish();
    auto moved = workq::dead_letter(conn_, lane, opts_.consumer, item, why);
    if (!moved.ok()) {
      log::warn("dead-letter failed; the entry will be redelivered",
                {{"entry", item.id}, {"error", moved.error().message}});
      return;
    }
    if (!*moved) {
      log::info("work entry taken over before it was dead-lettered; left to its owner",
                {{"entry", item.id}});
      count("lease_lost");
      return;
    }
    count("dead_letter");
    if (dead_) dead_(item, why);
  };
  if (item.fields.count("_deleted")) {  // trimmed from the stream while pending
    lease->finish();
    log::best_effort(workq::ack_owned(conn_, lane, opts_.consumer, item.id),
                     "acknowledging a work entry");
    count("skipped");
    return;
  }
  if (item.deliveries > opts_.max_deliveries) {
    log::warn("work item dead-lettered",
              {{"entry", item.id}, {"type", type}, {"deliveries", item.deliveries}});
    dead_letter("delivered " + std::to_string(item.deliveries) + " times without success");
    return;
  }
  auto h = handlers_.find(type);
  if (h == handlers_.end()) {
    log::warn("unknown work type", {{"entry", item.id}, {"type", type}});
    dead_letter("unknown work type '" + type + "'");
    return;
  }
  WorkControl control(stopping_, lease);
  Status s = Error(errc::internal, "handler threw");
  try {
    s = h->second(item, control);
  } catch (const std::exception& e) {
    s = Error(errc::internal, std::string("handler threw: ") + e.what());
  }
  lease->finish();
  if (s.ok()) {
    auto a = workq::ack_owned(conn_, lane, opts_.consumer, item.id);
    if (!a.ok()) {
      log::warn("ack failed; the entry will be redelivered",
                {{"entry", item.id}, {"error", a.error().message}});
    } else if (!*a) {
      // Done, but another worker claimed it meanwhile: it finds the work done and acks.
      log::info("work entry taken over before its ack; its new owner acks it",
                {{"entry", item.id}});
    }
    processed_++;
    count("done");
    if (events_) {
      json::Writer w;
      w.begin_object().kv("entry", item.id).kv("type", type).end_object();
      events_->publish("work.done", w.str());
    }
  } else if (s.error().code == errc::lease_lost) {
    log::warn("work step stopped: its entry was taken over", {{"entry", item.id}, {"type", type}});
    count("lease_lost");
  } else if (s.error().code == errc::interrupted) {
    log::best_effort(workq::hand_back(conn_, lane, opts_.consumer, item.id, opts_.lease_ms),
                     "handing a work entry back");
    count("handed_back");
  } else if (s.error().code == errc::retry) {
    log::info("work item will be retried", {{"entry", item.id}, {"error", s.error().message}});
    count("retry");
  } else {
    log::warn("work item failed",
              {{"entry", item.id}, {"type", type}, {"error", s.error().message}});
    dead_letter(s.error().message);
  }
}

void Consumer::loop() {
  if (opts_.nice > 0)
    log::best_effort(set_this_thread_nice(opts_.nice), "lowering the consumer thread's priority");
  bool reading_own_pending = true;
  bool worked = false;  // processed something since memory was last given back
  bool redis_down = false;
  int64_t next_claim = 0;
  while (!stopping_.load()) {
    if (auto g = workq::ensure_group(conn_, opts_.names); !g.ok()) {
      if (!redis_down) log::warn("work queue unavailable", {{"error", g.error().message}});
      redis_down = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    Result<std::vector<workq::Item>> batch = std::vector<workq::Item>{};
    // Entries are leased from the moment the read that delivers them is sent.
    int64_t read_sent = timeutil::monotonic_ms();
    bool renew_first = false;
    if (read_sent >= next_claim) {
      next_claim = read_sent + std::max<int64_t>(opts_.lease_ms / 2, 200);
      batch = workq::claim_stale(conn_, opts_.names, opts_.consumer, opts_.lease_ms, opts_.batch);
      if (batch.ok() && !batch->empty())
        log::info("claimed stale work", {{"count", static_cast<int64_t>(batch->size())}});
    }
    if (batch.ok() && batch->empty()) {
      read_sent = timeutil::monotonic_ms();
      // A blocking read may deliver long after it was sent, and re-reading our
      // own pending entries does not reset their idle time: renew those first.
      renew_first = true;
      batch =
          reading_own_pending
              ? workq::read_own_pending(conn_, opts_.names, opts_.consumer, opts_.batch)
              : workq::read_new(conn_, opts_.names, opts_.consumer, opts_.batch, opts_.block_ms);
      if (reading_own_pending && batch.ok() && batch->empty()) reading_own_pending = false;
      // Nothing came for a whole blocking read and no consumer of this process is
      // working: give the memory freed by the last steps back to the system, once.
      if (batch.ok() && batch->empty() && worked && g_busy.load() == 0) {
        mem::release_free_memory();
        worked = false;
      }
    }
    if (!batch.ok()) {
      if (!redis_down) log::warn("work queue unavailable", {{"error", batch.error().message}});
      redis_down = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    if (redis_down) log::info("work queue available again");
    redis_down = false;
    std::vector<std::shared_ptr<Lease>> leases;
    for (const auto& it : *batch) {
      int64_t granted = read_sent;
      if (renew_first) {  // (and leave those another worker has taken meanwhile)
        granted = timeutil::monotonic_ms();
        auto r = workq::renew(conn_, lane_of(it), opts_.consumer, it.id);
        if (!r.ok() || !*r) granted = -opts_.lease_ms;  // never valid
      }
      leases.push_back(keeper_.hold(it.id, granted, it.stream));
    }
    for (size_t i = 0; i < batch->size(); ++i) {
      if (stopping_.load()) {
        for (size_t j = i; j < batch->size(); ++j)
          log::best_effort(workq::hand_back(conn_, lane_of((*batch)[j]), opts_.consumer,
                                            (*batch)[j].id, opts_.lease_ms),
                           "handing an unstarted work entry back");
        break;
      }
      g_busy++;
      worked = true;
      process((*batch)[i], leases[i]);
      g_busy--;
      keeper_.release((*batch)[i].id, (*batch)[i].stream);
    }
    for (const auto& it : *batch) keeper_.release(it.id, it.stream);
  }
}

}  // namespace jb::worker
