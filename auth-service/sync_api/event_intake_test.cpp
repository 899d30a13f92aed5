// Tests for event_intake.h: what the events channel may hand to the run event
// hub (pure checks, and the intake's counting and forwarding).
#include "auth-service/sync_api/event_intake.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/core/json.h"
#include "common/core/random.h"

using namespace jb;
using namespace jb::auth;

namespace {
Event event(const std::string& topic, const std::string& payload) {
  Event e;
  e.topic = topic;
  e.publisher = "worker-1";
  e.seq = 1;
  e.payload = payload;
  return e;
}
}  // namespace

TEST(EventHub, ValidRunEventIsReserialised) {
  std::string id = rnd::id128();
  // Whitespace, escapes and nesting as a publisher might write them.
  std::string payload = "{ \"id\" : \"" + id +
                        "\", \"state\":\"running\",\n \"name\":\"a\\u0041</script>\","
                        " \"counters\": {\"n\": 3} }";
  CheckedEvent c = check_event("run", payload);
  ASSERT_EQ(c.verdict, EventVerdict::accepted);
  EXPECT_EQ(c.id, id);
  EXPECT_NE(c.payload, payload);  // our own serialisation, not the publisher's bytes
  EXPECT_EQ(c.payload.find('\n'), std::string::npos);
  auto d = json::parse(c.payload);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(json::get_string(*d, "id"), id);
  EXPECT_EQ(json::get_string(*d, "name"), "aA</script>");
  const json::Value* counters = json::member(*d, "counters");
  ASSERT_TRUE(counters);
  EXPECT_EQ(json::get_int(*counters, "n"), 3);
}

TEST(EventHub, EveryKnownTopicWithItsId) {
  std::string conn = rnd::id128();
  EXPECT_EQ(check_event("work.done", R"({"entry":"1700000000000-12","type":"sync.scan"})").verdict,
            EventVerdict::accepted);
  EXPECT_EQ(check_event("index.built", "{\"connection_id\":\"" + conn + "\",\"items\":3}").verdict,
            EventVerdict::accepted);
  EXPECT_EQ(
      check_event("library.whitelist", "{\"connection_id\":\"" + conn + "\",\"library_ids\":[]}")
          .verdict,
      EventVerdict::accepted);
}

TEST(EventHub, UnknownTopicsAreDropped) {
  std::string ok = "{\"id\":\"" + rnd::id128() + "\"}";
  for (const char* topic : {"", "Run", "run ", "runs", "run.progress", "admin", "run\n"})
    EXPECT_EQ(check_event(topic, ok).verdict, EventVerdict::unknown_topic) << topic;
}

TEST(EventHub, MalformedIdsAreDropped) {
  std::string good = rnd::id128();
  std::vector<std::string> bad_ids = {"",
                                      good.substr(1),
                                      good + "0",
                                      std::string(32, 'G'),
                                      "ABCDEF0123456789ABCDEF0123456789",  // upper case
                                      good.substr(0, 31) + "\n",
                                      "../../" + good.substr(6),
                                      "jb:run:*"};
  for (const auto& id : bad_ids) {
    json::Writer w;
    w.begin_object().kv("id", id).end_object();
    EXPECT_EQ(check_event("run", w.str()).verdict, EventVerdict::bad_id) << id;
  }
  EXPECT_EQ(check_event("run", R"({"state":"running"})").verdict, EventVerdict::bad_id);
  EXPECT_EQ(check_event("run", R"({"id":12345})").verdict, EventVerdict::bad_id);
  EXPECT_EQ(check_event("run", R"({"id":["a"]})").verdict, EventVerdict::bad_id);
  for (const char* entry : {"", "-", "1-", "-1", "1-2-3", "12a-0", "1700000000000"})
    EXPECT_EQ(check_event("work.done", std::string(R"({"entry":")") + entry + "\"}").verdict,
              EventVerdict::bad_id)
        << entry;
}

TEST(EventHub, NonJsonPayloadsAreDropped) {
  std::string id = rnd::id128();
  for (const std::string& p :
       {std::string(""), std::string("not json"), "{\"id\":\"" + id + "\"", "[\"" + id + "\"]",
        "\"" + id + "\"", std::string("null"), "{\"id\":\"" + id + "\"} trailing",
        std::string("{\"id\":\"\xff\xfe\"}")})
    EXPECT_EQ(check_event("run", p).verdict, EventVerdict::bad_json) << p;
}

TEST(EventHub, IntakeForwardsOnlyGoodRunEventsAndCountsDrops) {
  metrics::Registry registry;
  std::vector<std::string> forwarded;
  EventIntake intake([&](const std::string& id) { forwarded.push_back(id); }, registry);
  std::string run = rnd::id128();
  intake.on_event(event("run", "{\"id\":\"" + run + "\"}"));
  intake.on_event(event("work.done", R"({"entry":"1-0","type":"noop"})"));  // known, not a run
  intake.on_event(event("inject", "{\"id\":\"" + run + "\"}"));
  intake.on_event(event("run", R"({"id":"../x"})"));
  intake.on_event(event("run", "data: evil\n\n"));
  intake.on_event(event("run", "data: evil\n\n"));
  ASSERT_EQ(forwarded, std::vector<std::string>{run});
  EXPECT_EQ(intake.accepted(), 2u);
  EXPECT_EQ(intake.dropped(), 4u);
  std::string text = registry.render();
  EXPECT_NE(text.find("jb_events_dropped_total{reason=\"unknown_topic\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("jb_events_dropped_total{reason=\"bad_id\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("jb_events_dropped_total{reason=\"bad_json\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("jb_events_received_total{topic=\"run\"} 1"), std::string::npos) << text;
  EXPECT_EQ(text.find("inject"), std::string::npos) << "an unknown topic must not become a label";
}
