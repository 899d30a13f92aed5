// event_intake.cpp — see event_intake.h.
#include "auth-service/sync_api/event_intake.h"

#include <cstddef>

#include "common/core/json.h"
#include "common/core/log.h"
#include "common/core/random.h"

namespace jb::auth {

namespace {

// "<ms>-<seq>", both decimal (what XADD assigns).
bool is_stream_id(const std::string& s) {
  size_t dash = s.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 >= s.size() || s.size() > 41) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (i != dash && (s[i] < '0' || s[i] > '9')) return false;
  return true;
}

struct Topic {
  const char* name;
  const char* id_field;
  bool (*valid_id)(const std::string&);
};

bool is_id(const std::string& s) {
  return rnd::is_id128(s);
}

constexpr Topic kTopics[] = {{"run", "id", is_id},
                             {"work.done", "entry", is_stream_id},
                             {"index.built", "connection_id", is_id},
                             {"library.whitelist", "connection_id", is_id},
                             {"bulk", "id", is_id}};

}  // namespace

const char* verdict_name(EventVerdict v) {
  switch (v) {
    case EventVerdict::accepted:
      return "accepted";
    case EventVerdict::unknown_topic:
      return "unknown_topic";
    case EventVerdict::bad_id:
      return "bad_id";
    case EventVerdict::bad_json:
      return "bad_json";
  }
  return "bad_json";
}

CheckedEvent check_event(const std::string& topic, const std::string& payload) {
  CheckedEvent out;
  const Topic* known = nullptr;
  for (const auto& t : kTopics)
    if (topic == t.name) known = &t;
  if (!known) {
    out.verdict = EventVerdict::unknown_topic;
    return out;
  }
  // Like json::parse, and also refusing invalid UTF-8 (which would pass through
  // the writer into an SSE frame unchanged).
  json::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(payload.data(),
                                                                                    payload.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    out.verdict = EventVerdict::bad_json;
    return out;
  }
  const json::Value* id = json::member(doc, known->id_field);
  if (!id || !id->IsString() || !known->valid_id(id->GetString())) {
    out.verdict = EventVerdict::bad_id;
    return out;
  }
  json::Writer w;
  w.value(doc);
  out.verdict = EventVerdict::accepted;
  out.id = id->GetString();
  out.payload = w.str();
  return out;
}

EventIntake::EventIntake(RunChanged on_run, metrics::Registry& registry)
    : on_run_(std::move(on_run)), registry_(registry) {}

void EventIntake::on_event(const Event& e) {
  CheckedEvent c = check_event(e.topic, e.payload);
  if (c.verdict == EventVerdict::accepted) {
    accepted_++;
    registry_
        .counter("jb_events_received_total", "Events received from workers", {{"topic", e.topic}})
        .inc();
    if (e.topic == "run" && on_run_) on_run_(c.id);
    if (e.topic == "bulk" && on_bulk_) on_bulk_(c.id);
    return;
  }
  dropped_++;
  const char* reason = verdict_name(c.verdict);
  registry_
      .counter("jb_events_dropped_total", "Events dropped: unknown topic, bad id or bad JSON",
               {{"reason", reason}})
      .inc();
  // Never the payload; the topic only when it is one of ours (an unknown one is
  // whatever the publisher chose).
  log::Fields f = {{"reason", reason}, {"payload_bytes", static_cast<int64_t>(e.payload.size())}};
  if (c.verdict != EventVerdict::unknown_topic) f.emplace_back("topic", e.topic);
  bool& logged = logged_[static_cast<size_t>(c.verdict)];
  if (!logged) {
    logged = true;
    log::warn("event dropped (later drops of this kind are logged at debug)", f);
  } else {
    log::debug("event dropped", f);
  }
}

}  // namespace jb::auth
