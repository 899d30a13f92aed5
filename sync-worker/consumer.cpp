// consumer.cpp — see consumer.h.
#include "sync-worker/consumer.h"

#include <thread>

#include "common/json.h"
#include "common/log.h"
#include "common/time.h"

namespace jb::worker {

Consumer::Consumer(RedisOptions redis, ConsumerOptions opts, metrics::Registry& registry,
                   EventPublisher* events)
    : conn_(std::move(redis)), opts_(std::move(opts)), registry_(registry), events_(events) {}

Consumer::~Consumer() { stop(); }

void Consumer::on(const std::string& type, WorkHandler h) { handlers_[type] = std::move(h); }

void Consumer::start() { thread_ = std::thread([this] { loop(); }); }

void Consumer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void Consumer::process(const workq::Item& item) {
  auto count = [&](const char* outcome) {
    registry_.counter("jb_work_items_total", "Work items by outcome", {{"outcome", outcome}}).inc();
  };
  if (item.fields.count("_deleted")) {  // trimmed from the stream while pending
    (void)workq::ack(conn_, opts_.names, item.id);
    count("skipped");
    return;
  }
  std::string type = item.field("type");
  if (item.deliveries > opts_.max_deliveries) {
    log::warn("work item dead-lettered", {{"entry", item.id}, {"type", type}, {"deliveries", item.deliveries}});
    std::string why = "delivered " + std::to_string(item.deliveries) + " times without success";
    (void)workq::dead_letter(conn_, opts_.names, item, why);
    count("dead_letter");
    if (dead_) dead_(item, why);
    return;
  }
  auto h = handlers_.find(type);
  if (h == handlers_.end()) {
    log::warn("unknown work type", {{"entry", item.id}, {"type", type}});
    (void)workq::dead_letter(conn_, opts_.names, item, "unknown work type '" + type + "'");
    count("dead_letter");
    if (dead_) dead_(item, "unknown work type '" + type + "'");
    return;
  }
  Status s = Error("internal", "handler threw");
  try {
    s = h->second(item, stopping_);
  } catch (const std::exception& e) {
    s = Error("internal", std::string("handler threw: ") + e.what());
  }
  if (s.ok()) {
    if (auto a = workq::ack(conn_, opts_.names, item.id); !a.ok())
      log::warn("ack failed; the entry will be redelivered", {{"entry", item.id}, {"error", a.error().message}});
    processed_++;
    count("done");
    if (events_) {
      json::Writer w;
      w.begin_object().kv("entry", item.id).kv("type", type).end_object();
      events_->publish("work.done", w.str());
    }
  } else if (s.error().code == "interrupted") {
    (void)workq::hand_back(conn_, opts_.names, opts_.consumer, item.id, opts_.lease_ms);
    count("handed_back");
  } else if (s.error().code == "retry") {
    log::info("work item will be retried", {{"entry", item.id}, {"error", s.error().message}});
    count("retry");
  } else {
    log::warn("work item failed", {{"entry", item.id}, {"type", type}, {"error", s.error().message}});
    (void)workq::dead_letter(conn_, opts_.names, item, s.error().message);
    count("dead_letter");
    if (dead_) dead_(item, s.error().message);
  }
}

void Consumer::loop() {
  bool reading_own_pending = true;
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
    int64_t now = timeutil::monotonic_ms();
    if (now >= next_claim) {
      next_claim = now + std::max<int64_t>(opts_.lease_ms / 2, 200);
      batch = workq::claim_stale(conn_, opts_.names, opts_.consumer, opts_.lease_ms, opts_.batch);
      if (batch.ok() && !batch->empty())
        log::info("claimed stale work", {{"count", static_cast<int64_t>(batch->size())}});
    }
    if (batch.ok() && batch->empty()) {
      batch = reading_own_pending
                  ? workq::read_own_pending(conn_, opts_.names, opts_.consumer, opts_.batch)
                  : workq::read_new(conn_, opts_.names, opts_.consumer, opts_.batch, opts_.block_ms);
      if (reading_own_pending && batch.ok() && batch->empty()) reading_own_pending = false;
    }
    if (!batch.ok()) {
      if (!redis_down) log::warn("work queue unavailable", {{"error", batch.error().message}});
      redis_down = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      continue;
    }
    if (redis_down) log::info("work queue available again");
    redis_down = false;
    for (size_t i = 0; i < batch->size(); ++i) {
      if (stopping_.load()) {
        for (size_t j = i; j < batch->size(); ++j)
          (void)workq::hand_back(conn_, opts_.names, opts_.consumer, (*batch)[j].id, opts_.lease_ms);
        break;
      }
      process((*batch)[i]);
    }
  }
}

}  // namespace jb::worker
