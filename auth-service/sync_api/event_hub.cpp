// event_hub.cpp — see event_hub.h.
#include "auth-service/sync_api/event_hub.h"

#include "common/json.h"
#include "common/time.h"

namespace jb::auth {

namespace {
bool terminal_state(const std::string& payload) {
  auto d = json::parse(payload);
  if (!d.ok()) return false;
  std::string s = json::get_string(*d, "state");
  return s == "succeeded" || s == "failed";
}

http::Response sse(std::string body) {
  http::Response r = http::Response::text(200, std::move(body), "text/event-stream; charset=utf-8");
  r.headers.emplace_back("X-Accel-Buffering", "no");
  return r;
}
}  // namespace

RunEventHub::~RunEventHub() { stop(); }

void RunEventHub::start() { thread_ = std::thread([this] { loop(); }); }

void RunEventHub::stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [id, run] : runs_)
    for (auto& w : run.waiters) answer(run, w, true);
  runs_.clear();
}

std::string RunEventHub::format(const std::vector<std::tuple<uint64_t, std::string, std::string>>& events, bool end) {
  std::string out = "retry: 1000\n\n";
  for (const auto& [id, name, data] : events)
    out += "id: " + std::to_string(id) + "\nevent: " + name + "\ndata: " + data + "\n\n";
  if (end) out += "event: end\ndata: {}\n\n";
  if (events.empty() && !end) out += ": no news\n\n";
  return out;
}

void RunEventHub::answer(Run& run, Waiter& w, bool timed_out) {
  std::vector<std::tuple<uint64_t, std::string, std::string>> out;
  bool end = false;
  for (const auto& e : run.events)
    if (std::get<0>(e) > w.last_id) {
      out.push_back(e);
      end = end || terminal_state(std::get<2>(e));
    }
  if (out.empty() && !timed_out) return;
  w.responder->send(sse(format(out, end)));
  w.responder.reset();
}

void RunEventHub::publish(const std::string& run_id, const std::string& payload) {
  std::lock_guard<std::mutex> l(mu_);
  Run& run = runs_[run_id];
  run.events.emplace_back(run.next_id++, "progress", payload);
  if (run.events.size() > 256) run.events.pop_front();
  run.touched_ms = timeutil::now_unix_ms();
  for (auto& w : run.waiters) answer(run, w, false);
  std::erase_if(run.waiters, [](const Waiter& w) { return !w.responder; });
}

void RunEventHub::wait(const std::string& run_id, uint64_t last_id, const std::string& snapshot, bool terminal,
                       http::Responder responder) {
  std::lock_guard<std::mutex> l(mu_);
  Run& run = runs_[run_id];
  run.touched_ms = timeutil::now_unix_ms();
  if (last_id == 0) {
    // First contact: the state from Redis now, numbered so later events follow it.
    // The snapshot takes an id of its own so that a reconnect never asks for it again.
    std::vector<std::tuple<uint64_t, std::string, std::string>> first{{run.next_id++, "state", snapshot}};
    responder.send(sse(format(first, terminal)));
    return;
  }
  Waiter w{last_id, timeutil::now_unix_ms() + wait_ms_, std::make_shared<http::Responder>(std::move(responder))};
  if (terminal) {
    answer(run, w, true);
    return;
  }
  answer(run, w, false);
  if (w.responder) run.waiters.push_back(std::move(w));
}

void RunEventHub::loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    cv_.wait_for(l, std::chrono::milliseconds(250));
    int64_t now = timeutil::now_unix_ms();
    for (auto it = runs_.begin(); it != runs_.end();) {
      Run& run = it->second;
      for (auto& w : run.waiters)
        if (w.deadline_ms <= now) answer(run, w, true);
      std::erase_if(run.waiters, [](const Waiter& w) { return !w.responder; });
      // Forget quiet runs after an hour.
      if (run.waiters.empty() && now - run.touched_ms > 3600 * 1000) it = runs_.erase(it);
      else ++it;
    }
  }
}

}  // namespace jb::auth
