// event_hub.cpp — see event_hub.h.
#include "auth-service/sync_api/event_hub.h"

#include <algorithm>
#include <chrono>

#include "auth-service/sync_api/sse.h"
#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/random.h"
#include "common/core/result.h"

namespace jb::auth {

namespace {

std::string end_data(const std::string& state) {
  json::Writer w;
  w.begin_object().kv("state", state).end_object();
  return w.str();
}

}  // namespace

void RunEventHub::Slot::release() {
  if (!released_.exchange(true)) hub_->release(user_);
}

RunEventHub::RunEventHub(EventHubOptions opts, SnapshotSource source)
    : opts_(opts), source_(std::move(source)) {}

RunEventHub::~RunEventHub() {
  stop();
}

void RunEventHub::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
}

void RunEventHub::stop() {
  {
    std::lock_guard<std::mutex> l(wake_mu_);
    stop_ = true;
  }
  wake_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::map<std::string, Run> runs;
  {
    std::lock_guard<std::mutex> l(mu_);
    stopped_ = true;
    runs.swap(runs_);
  }
  // Outside mu_: closing runs the streams' callbacks.
  for (auto& [id, run] : runs)
    for (auto& w : run.watchers) w.stream->close();
}

void RunEventHub::publish(const std::string& run_id) {
  if (!rnd::is_id128(run_id)) return;  // not a run id (event_intake.h checks events first)
  {
    std::lock_guard<std::mutex> l(wake_mu_);
    if (stop_) return;
    dirty_.insert(run_id);
  }
  wake_cv_.notify_one();
}

Result<std::shared_ptr<RunEventHub::Slot>> RunEventHub::reserve(const std::string& user_id) {
  int retry_s = static_cast<int>(std::max<int64_t>(1, (opts_.heartbeat_ms + 999) / 1000));
  std::lock_guard<std::mutex> l(count_mu_);
  auto it = per_user_.find(user_id);
  int64_t mine = it == per_user_.end() ? 0 : it->second;
  if (mine >= opts_.max_streams_per_user) {
    Error e("too_many_event_streams",
            "You have " + std::to_string(mine) +
                " event streams open, the most one user may have (" +
                std::to_string(opts_.max_streams_per_user) + "); close one and retry.",
            429);
    e.retry_after_s = retry_s;
    return e;
  }
  if (total_ >= opts_.max_streams) {
    Error e("event_streams_exhausted",
            "This server has " + std::to_string(total_) + " event streams open, its limit (" +
                std::to_string(opts_.max_streams) + "); retry shortly.",
            503);
    e.retry_after_s = retry_s;
    return e;
  }
  ++per_user_[user_id];
  ++total_;
  return std::make_shared<Slot>(this, user_id);
}

void RunEventHub::release(const std::string& user) {
  {
    std::lock_guard<std::mutex> l(count_mu_);
    auto it = per_user_.find(user);
    if (it != per_user_.end() && --it->second <= 0) per_user_.erase(it);
    --total_;
  }
}

Result<RunSnapshot> RunEventHub::snapshot(const std::string& run_id) {
  if (!source_)
    return Error(errc::unavailable, "Run events are not available on this server.", 503);
  return source_(run_id);
}

bool RunEventHub::catch_up(const RunSnapshot& latest, Watcher& w) {
  // A newer revision whose JSON is what the client has changed only fields the
  // API does not show: nothing to send.
  if (latest.revision > w.last_id && latest.json != w.last_json) {
    if (!w.stream->write(sse::event(w.sent ? "progress" : "state", latest.json, latest.revision)))
      return false;
    w.last_id = latest.revision;
    w.last_json = latest.json;
    w.sent = true;
  }
  if (!latest.terminal()) return true;
  // The client has the final record (from us or from an earlier connection).
  w.stream->write(sse::event("end", end_data(latest.state)));
  w.stream->close();
  return false;
}

void RunEventHub::attach(std::shared_ptr<Slot> slot, const std::string& run_id,
                         uint64_t last_event_id, const RunSnapshot& now,
                         std::shared_ptr<http::EventStream> stream) {
  std::lock_guard<std::mutex> l(mu_);
  if (stopped_) {
    stream->close();
    return;
  }
  Run& run = runs_[run_id];
  // The hub may already know a newer record than the caller read.
  if (now.revision > run.latest.revision) run.latest = now;
  // Revisions of a run only grow, so an id above the run's newest was never
  // this run's (made up, or Redis lost data): start over with the record.
  if (last_event_id > run.latest.revision) last_event_id = 0;
  Watcher w{stream, slot, last_event_id, "", false};
  // A client that has the newest revision has its record.
  if (last_event_id == run.latest.revision) w.last_json = run.latest.json;
  if (catch_up(run.latest, w)) {
    // The slot is freed the moment the stream closes, whoever notices.
    stream->on_close([this, slot] {
      slot->release();
      wake_for_sweep();
    });
    run.watchers.push_back(std::move(w));
    // Read the run once more: an event that came between the caller's read
    // and now found no stream of this run to update.
    publish(run_id);
  }
  if (run.watchers.empty()) runs_.erase(run_id);
}

void RunEventHub::deliver(const std::string& run_id, const RunSnapshot& snap) {
  auto it = runs_.find(run_id);
  if (it == runs_.end()) return;
  Run& run = it->second;
  if (snap.revision == 0) {
    // The run is gone: nothing more will come.
    for (auto& w : run.watchers) w.stream->close();
    return;
  }
  if (snap.revision <= run.latest.revision) return;
  run.latest = snap;
  for (auto& w : run.watchers)
    if (!w.slot->released() && !catch_up(run.latest, w)) w.stream->close();
}

void RunEventHub::sweep() {
  for (auto it = runs_.begin(); it != runs_.end();) {
    std::erase_if(it->second.watchers, [](const Watcher& w) { return w.slot->released(); });
    if (it->second.watchers.empty())
      it = runs_.erase(it);
    else
      ++it;
  }
}

void RunEventHub::wake_for_sweep() {
  {
    std::lock_guard<std::mutex> l(wake_mu_);
    sweep_ = true;
  }
  wake_cv_.notify_one();
}

void RunEventHub::loop() {
  using Clock = std::chrono::steady_clock;
  const auto beat_every = std::chrono::milliseconds(std::max<int64_t>(1, opts_.heartbeat_ms));
  auto next_beat = Clock::now() + beat_every;
  const std::string keep_alive = sse::comment("keep-alive");
  for (;;) {
    std::set<std::string> todo;
    bool beat = false;
    {
      std::unique_lock<std::mutex> l(wake_mu_);
      wake_cv_.wait_until(l, next_beat, [&] { return stop_ || !dirty_.empty() || sweep_; });
      if (stop_) return;
      todo.swap(dirty_);
      sweep_ = false;
      if (Clock::now() >= next_beat) {
        beat = true;
        next_beat = Clock::now() + beat_every;
      }
    }
    // Re-read the changed runs that someone watches; on a heartbeat, every
    // watched run (a missed event, or a replica the workers do not talk to).
    {
      std::lock_guard<std::mutex> l(mu_);
      if (beat)
        for (const auto& [id, run] : runs_) todo.insert(id);
      std::erase_if(todo, [&](const std::string& id) { return runs_.count(id) == 0; });
    }
    std::vector<std::pair<std::string, RunSnapshot>> fresh;
    if (source_) {
      for (const auto& id : todo) {
        auto s = source_(id);
        if (!s.ok()) {
          // Redis is likely out of reach: heartbeats must not wait for one
          // timeout per run. Every watched run is read again next heartbeat.
          log::warn("run events: cannot read a run", {{"run", id}, {"error", s.error().message}});
          break;
        }
        fresh.emplace_back(id, std::move(*s));
      }
    }
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [id, snap] : fresh) deliver(id, snap);
    if (beat)
      for (auto& [id, run] : runs_)
        for (auto& w : run.watchers)
          if (!w.slot->released()) (void)w.stream->write(keep_alive);
    sweep();
  }
}

}  // namespace jb::auth
