// event_intake.h — the gate between the internal events channel and what
// auth-service does with an event (the run event hub, hence SSE streams).
//
// Even from an allow-listed publisher (the channel is CURVE-authenticated,
// events.h), an event is checked before it is used: only known topics, with a
// well-formed id, and a payload that is a JSON object. The payload is then
// re-serialised (parsed and written again with json::Writer), so what goes on
// is our own JSON, never the publisher's bytes. Anything else is dropped and
// counted (jb_events_dropped_total{reason}); the first drop of each reason is
// logged as a warning, later ones at debug, never with the payload.
//
// Known topics and their id field:
//   run               "id"             a run id (rnd::id128 form, common/sync)  → the hub
//   work.done         "entry"          a Redis stream entry id "<ms>-<seq>"
//   index.built       "connection_id"  a connection id (rnd::id128 form)
//   library.whitelist "connection_id"  a connection id (rnd::id128 form)
//   bulk              "id"             a bulk job id (rnd::id128 form)        → on_bulk
//
// Thread-safety: check_event() is a pure function; EventIntake::on_event() is
// called from the subscriber's one thread, and its counters may be read from
// any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/core/metrics.h"
#include "common/net/events.h"

namespace jb::auth {

enum class EventVerdict { accepted = 0, unknown_topic, bad_id, bad_json };
// "accepted", "unknown_topic", "bad_id", "bad_json" (the metric's reason label).
const char* verdict_name(EventVerdict v);

struct CheckedEvent {
  EventVerdict verdict = EventVerdict::bad_json;
  std::string id;       // the value of the topic's id field (accepted only)
  std::string payload;  // the payload re-serialised by json::Writer (accepted only)
};

CheckedEvent check_event(const std::string& topic, const std::string& payload);

class EventIntake {
 public:
  // on_run(run_id) gets the id of every accepted "run" event (RunEventHub::publish).
  using RunChanged = std::function<void(const std::string& run_id)>;
  EventIntake(RunChanged on_run, metrics::Registry& registry);

  // Gets the id of every accepted "bulk" event (a bulk job changed); set before events flow.
  void on_bulk(RunChanged f) { on_bulk_ = std::move(f); }

  void on_event(const Event& e);
  uint64_t accepted() const { return accepted_.load(); }
  uint64_t dropped() const { return dropped_.load(); }

 private:
  RunChanged on_run_;
  RunChanged on_bulk_;
  metrics::Registry& registry_;
  std::atomic<uint64_t> accepted_{0};
  std::atomic<uint64_t> dropped_{0};
  std::array<bool, 4> logged_{};  // per verdict: the first drop was logged (subscriber thread)
};

}  // namespace jb::auth
