// End-to-end tests of GET /api/v1/runs/{id}/events, the server-sent event
// stream of a sync run: the real auth-service (one or two replicas) on a real
// Redis, signing in at a Jellyfin stand-in, fed by ZeroMQ "run" events as the
// workers send them (and, in the last test, by real sync-workers). Each
// client reads one connection incrementally from a raw socket, so the tests
// see exactly what a browser's EventSource would, chunk by chunk.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <optional>
#include <thread>
#include <zmq.hpp>

#include "common/core/json.h"
#include "common/core/random.h"
#include "common/core/text.h"
#include "common/core/time.h"
#include "common/net/events.h"
#include "common/redis/client.h"
#include "tests/e2e/sync_env.h"
#include "tests/support/services.h"
#include "tests/support/stack.h"
#include "tests/support/standin.h"

using namespace jb;
using namespace jb::testing;

namespace {

constexpr int kWaitMs = 20000;

// One block of an event stream: an event, a comment or a retry hint.
struct Block {
  std::string id, event, data, retry;
  std::vector<std::string> comments;
  bool is_event() const { return !data.empty() || !event.empty(); }
};

// An HTTP/1.1 client on a raw socket that reads a response as it arrives:
// the head, then the chunked body decoded piece by piece into SSE blocks.
class SseClient {
 public:
  SseClient(int port, const std::string& path,
            const std::vector<std::pair<std::string, std::string>>& headers) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close();
      return;
    }
    std::string req =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    req += "\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
      close();
  }
  ~SseClient() { close(); }
  SseClient(const SseClient&) = delete;
  SseClient& operator=(const SseClient&) = delete;

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Reads the head; then status and header() are known.
  bool read_head(int timeout_ms = kWaitMs) {
    if (head_done_) return true;
    if (!fill_until([&] { return raw_.find("\r\n\r\n") != std::string::npos; }, timeout_ms))
      return false;
    size_t end = raw_.find("\r\n\r\n");
    auto lines = text::split(raw_.substr(0, end), '\n');
    if (lines.empty()) return false;
    auto first = text::split(std::string(text::trim(lines[0])), ' ');
    status = first.size() > 1 ? std::atoi(first[1].c_str()) : 0;
    for (size_t i = 1; i < lines.size(); ++i) {
      std::string l(text::trim(lines[i]));
      size_t c = l.find(':');
      if (c != std::string::npos)
        headers_.emplace_back(l.substr(0, c), std::string(text::trim(l.substr(c + 1))));
    }
    raw_.erase(0, end + 4);
    head_done_ = true;
    chunked_ = text::iequals(header("Transfer-Encoding"), "chunked");
    decode();  // body bytes that came with the head
    return true;
  }
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers_)
      if (text::iequals(k, name)) return v;
    return "";
  }
  // The whole body of a plain (Content-Length) answer, such as a problem.
  std::string body(int timeout_ms = kWaitMs) {
    if (!read_head(timeout_ms)) return "";
    size_t len = static_cast<size_t>(std::atoll(header("Content-Length").c_str()));
    fill_until([&] { return decoded_.size() >= len; }, timeout_ms);
    return decoded_.substr(0, len);
  }
  // The next block of the stream, or nullopt at the deadline or the end.
  std::optional<Block> next(int timeout_ms = kWaitMs) {
    if (!read_head(timeout_ms)) return std::nullopt;
    if (!fill_until([&] { return decoded_.find("\n\n") != std::string::npos; }, timeout_ms))
      return std::nullopt;
    size_t end = decoded_.find("\n\n");
    std::string text = decoded_.substr(0, end);
    decoded_.erase(0, end + 2);
    Block b;
    bool first_data = true;
    for (const auto& line : text::split(text, '\n')) {
      if (!line.empty() && line[0] == ':') {
        b.comments.push_back(std::string(text::trim(line.substr(1))));
        continue;
      }
      size_t c = line.find(':');
      std::string field = line.substr(0, c);
      std::string value = c == std::string::npos ? "" : line.substr(c + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "id")
        b.id = value;
      else if (field == "event")
        b.event = value;
      else if (field == "retry")
        b.retry = value;
      else if (field == "data") {
        b.data += (first_data ? "" : "\n") + value;
        first_data = false;
      }
    }
    return b;
  }
  // The next event, skipping comments (counted in `heartbeats`).
  std::optional<Block> next_event(int timeout_ms = kWaitMs) {
    int64_t end = timeutil::monotonic_ms() + timeout_ms;
    for (;;) {
      auto b = next(static_cast<int>(std::max<int64_t>(0, end - timeutil::monotonic_ms())));
      if (!b) return b;
      heartbeats += static_cast<int>(b->comments.size());
      if (b->is_event()) return b;
    }
  }
  // True when the server ended the body (last chunk) and closed the connection.
  bool ended_and_closed(int timeout_ms = kWaitMs) {
    fill_until([] { return false; }, timeout_ms);
    return eof_ && body_complete_;
  }
  bool eof() const { return eof_; }

  int status = 0;
  int heartbeats = 0;

 private:
  // Reads until done() or the deadline or end of connection.
  bool fill_until(const std::function<bool()>& done, int timeout_ms) {
    int64_t end = timeutil::monotonic_ms() + timeout_ms;
    while (!done()) {
      if (fd_ < 0 || eof_) return false;
      int64_t left = end - timeutil::monotonic_ms();
      if (left <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[8192];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      raw_.append(buf, static_cast<size_t>(n));
      if (head_done_) decode();
    }
    return true;
  }
  void decode() {
    if (!chunked_) {
      decoded_ += raw_;
      raw_.clear();
      return;
    }
    for (;;) {
      size_t eol = raw_.find("\r\n");
      if (eol == std::string::npos) return;
      size_t n = std::stoul(raw_.substr(0, eol), nullptr, 16);
      if (n == 0) {
        body_complete_ = raw_.size() >= eol + 4;
        return;
      }
      if (raw_.size() < eol + 2 + n + 2) return;
      decoded_ += raw_.substr(eol + 2, n);
      raw_.erase(0, eol + 2 + n + 2);
    }
  }

  int fd_ = -1;
  std::string raw_, decoded_;
  std::vector<std::pair<std::string, std::string>> headers_;
  bool head_done_ = false, chunked_ = false, eof_ = false, body_complete_ = false;
};

using Settings = std::map<std::string, std::string>;

struct User {
  std::string token, id;
};

// Redis, a Jellyfin stand-in to sign in at, auth-service; runs are written
// straight into Redis and announced over ZeroMQ as a worker does.
class EventsEnv {
 public:
  explicit EventsEnv(Settings auth_env = {}) {
    if (!home.ok() || !stack.redis.ok()) return;
    auth_env.emplace("JB_JELLYFIN_URL", home.url());
    if (!stack.start_auth(auth_env)) return;
    RedisOptions ro;
    ro.port = stack.redis.port();
    redis = std::make_unique<RedisPool>(ro, 2);
    demo = login("demo", "demo-password");
    admin = login("admin", "admin-password");
    publisher = std::make_unique<EventPublisher>(zctx, stack.events_endpoint, "test-worker",
                                                 stack.events_options(stack.keys.worker_client));
    ok = !demo.token.empty() && !admin.token.empty();
  }

  User login(const std::string& name, const std::string& password) {
    auto r =
        stack.http.post_json(stack.api("/api/v1/auth/login"),
                             "{\"username\":\"" + name + "\",\"password\":\"" + password + "\"}");
    User u;
    if (!r.ok()) return u;
    auto d = json::parse(r->body);
    if (!d.ok()) return u;
    if (const auto* s = json::member(*d, "session")) u.token = json::get_string(*s, "token");
    if (const auto* s = json::member(*d, "user")) u.id = json::get_string(*s, "id");
    return u;
  }

  // A run record of `owner`, as the API creates it.
  std::string make_run(const User& owner) {
    std::string id = rnd::id128();
    set_run(id, {{"id", id},
                 {"pair", rnd::id128()},
                 {"owner", owner.id},
                 {"state", "queued"},
                 {"phase", "queued"},
                 {"trigger", "manual"},
                 {"mode", "one-way"},
                 {"dry_run", "0"},
                 {"created_ms", std::to_string(timeutil::now_unix_ms())}});
    return id;
  }
  void set_run(const std::string& id, const std::map<std::string, std::string>& fields) {
    auto r = redis->command(hset_argv("jb:run:" + id, fields));
    EXPECT_TRUE(r.ok() && !r->is_error());
  }
  // What a worker does after each step: the record in Redis, then the event.
  void announce(const std::string& id) { publisher->publish("run", "{\"id\":\"" + id + "\"}"); }

  std::vector<std::pair<std::string, std::string>> auth(
      const User& u, std::vector<std::pair<std::string, std::string>> more = {}) {
    more.emplace_back("Authorization", "Bearer " + u.token);
    return more;
  }
  std::unique_ptr<SseClient> open(const User& u, const std::string& run,
                                  const std::string& query = "",
                                  std::vector<std::pair<std::string, std::string>> more = {},
                                  int port = 0) {
    return std::make_unique<SseClient>(port ? port : stack.http_port,
                                       "/api/v1/runs/" + run + "/events" + query,
                                       auth(u, std::move(more)));
  }

  Standin home;
  Stack stack;
  std::unique_ptr<RedisPool> redis;
  zmq::context_t zctx;
  std::unique_ptr<EventPublisher> publisher;
  User demo, admin;
  bool ok = false;
};

std::string state_in(const Block& b) {
  auto d = json::parse(b.data);
  return d.ok() ? json::get_string(*d, "state") : "";
}

uint64_t id_of(const Block& b) {
  return std::strtoull(b.id.c_str(), nullptr, 10);
}

// Announces the run again and again (ZeroMQ's late joiner drops the first
// messages) until the stream shows an event.
std::optional<Block> announce_until_event(EventsEnv& e, const std::string& run, SseClient& c) {
  int64_t end = timeutil::monotonic_ms() + kWaitMs;
  while (timeutil::monotonic_ms() < end) {
    e.announce(run);
    if (auto b = c.next_event(250)) return b;
    if (c.eof()) return std::nullopt;
  }
  return std::nullopt;
}

// The stream has started: 200, an event stream, chunked, then the retry hint.
void expect_stream_start(SseClient& c) {
  ASSERT_TRUE(c.read_head());
  ASSERT_EQ(c.status, 200) << c.body();
  EXPECT_EQ(c.header("Content-Type"), "text/event-stream; charset=utf-8");
  EXPECT_EQ(c.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(c.header("Content-Length"), "");
  EXPECT_EQ(c.header("Cache-Control"), "no-store");
  EXPECT_EQ(c.header("X-Accel-Buffering"), "no");
  EXPECT_FALSE(c.header("X-Request-Id").empty());
  auto first = c.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->retry, "1000");
}

}  // namespace

TEST(RunEvents, OneConnectionSeesTheSnapshotProgressHeartbeatsAndTheEnd) {
  EventsEnv e(Settings{{"JB_SSE_HEARTBEAT_MS", "300"}});
  ASSERT_TRUE(e.ok);
  std::string run = e.make_run(e.demo);
  auto c = e.open(e.demo, run);
  expect_stream_start(*c);

  auto snapshot = c->next_event();
  ASSERT_TRUE(snapshot.has_value());
  EXPECT_EQ(snapshot->event, "state");
  EXPECT_EQ(state_in(*snapshot), "queued") << snapshot->data;
  auto doc = json::parse(snapshot->data);
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(json::get_string(*doc, "id"), run);
  uint64_t first_id = id_of(*snapshot);
  EXPECT_GT(first_id, 0u);

  // Idle: heartbeats, and nothing else.
  while (c->heartbeats < 2) {
    auto b = c->next();
    ASSERT_TRUE(b.has_value()) << "heartbeats while idle";
    EXPECT_FALSE(b->is_event()) << b->data;
    c->heartbeats += static_cast<int>(b->comments.size());
    for (const auto& text : b->comments) EXPECT_EQ(text, "keep-alive");
  }

  // The run moves on: each record arrives on the same connection with a larger id.
  e.set_run(run, {{"state", "running"},
                  {"phase", "scan"},
                  {"started_ms", std::to_string(timeutil::now_unix_ms())}});
  auto running = announce_until_event(e, run, *c);
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->event, "progress");
  EXPECT_EQ(state_in(*running), "running");
  EXPECT_GT(id_of(*running), first_id);

  e.set_run(run, {{"phase", "apply"}, {"f:watchlist", "1"}, {"c:watchlist:planned", "3"}});
  auto applying = announce_until_event(e, run, *c);
  ASSERT_TRUE(applying.has_value());
  EXPECT_NE(applying->data.find("\"planned\":3"), std::string::npos) << applying->data;
  EXPECT_GT(id_of(*applying), id_of(*running));

  // Terminal: the final record, then `end`, then the server closes.
  e.set_run(run, {{"state", "succeeded"},
                  {"phase", "done"},
                  {"finished_ms", std::to_string(timeutil::now_unix_ms())}});
  auto done = announce_until_event(e, run, *c);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(state_in(*done), "succeeded");
  auto end = c->next_event();
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->event, "end");
  EXPECT_EQ(end->data, "{\"state\":\"succeeded\"}");
  EXPECT_TRUE(c->ended_and_closed());
}

TEST(RunEvents, WorkerEventsReachTheRightStreamsWithoutWaitingForAHeartbeat) {
  // Heartbeats (which also re-read runs) are five minutes apart here: whatever
  // arrives comes from the ZeroMQ events.
  EventsEnv e(Settings{{"JB_SSE_HEARTBEAT_MS", "300000"}});
  ASSERT_TRUE(e.ok);
  std::string mine = e.make_run(e.demo), other = e.make_run(e.demo);
  auto c = e.open(e.demo, mine);
  expect_stream_start(*c);
  auto first = c->next_event();
  ASSERT_TRUE(first.has_value());
  // Another run changes and is announced: nothing of it reaches this stream.
  e.set_run(other, {{"state", "running"}});
  e.announce(other);
  e.set_run(mine, {{"state", "running"}, {"phase", "plan"}});
  auto next = announce_until_event(e, mine, *c);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(state_in(*next), "running");
  EXPECT_NE(next->data.find(mine), std::string::npos);
  EXPECT_EQ(next->data.find(other), std::string::npos);
  // An announcement without a change sends nothing; the next change does.
  e.announce(mine);
  e.set_run(mine, {{"state", "failed"}, {"phase", "done"}, {"error", "stopped by the test"}});
  auto failed = announce_until_event(e, mine, *c);
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(state_in(*failed), "failed") << failed->data;
  auto end = c->next_event();
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->event, "end");
  EXPECT_EQ(end->data, "{\"state\":\"failed\"}");
  EXPECT_TRUE(c->ended_and_closed());
}

TEST(RunEvents, ResumingWithLastEventIdSendsOnlyWhatIsNewer) {
  EventsEnv e(Settings{{"JB_SSE_HEARTBEAT_MS", "300"}});
  ASSERT_TRUE(e.ok);
  std::string run = e.make_run(e.demo);
  std::string id;
  {
    auto c = e.open(e.demo, run);
    expect_stream_start(*c);
    auto b = c->next_event();
    ASSERT_TRUE(b.has_value());
    id = b->id;
  }
  // Up to date, by header or by query: no event, only heartbeats.
  for (auto [query, headers] :
       std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>{
           {"", {{"Last-Event-ID", id}}}, {"?last_event_id=" + id, {}}}) {
    auto c = e.open(e.demo, run, query, headers);
    expect_stream_start(*c);
    auto b = c->next();
    ASSERT_TRUE(b.has_value());
    EXPECT_FALSE(b->is_event()) << "repeated: " << b->data;
    EXPECT_EQ(b->comments, std::vector<std::string>{"keep-alive"});
  }
  // A reconnect with the same id gets the same record under the same id.
  {
    auto c = e.open(e.demo, run, "?last_event_id=" + std::to_string(std::stoull(id) - 1));
    expect_stream_start(*c);
    auto b = c->next_event();
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->id, id);
  }
  // The run moved on while the client was away: it gets the newer record at
  // once (header and query alike), and only that.
  e.set_run(run, {{"state", "held"}, {"phase", "apply"}, {"held_reason", "mass removal"}});
  std::string newer;
  for (auto [query, headers] :
       std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>{
           {"", {{"Last-Event-ID", id}}}, {"?last_event_id=" + id, {}}}) {
    auto c = e.open(e.demo, run, query, headers);
    expect_stream_start(*c);
    auto b = c->next_event();
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(state_in(*b), "held") << b->data;
    EXPECT_GT(std::stoull(b->id), std::stoull(id));
    if (newer.empty()) newer = b->id;
    EXPECT_EQ(b->id, newer) << "the same record has the same id on every connection";
    auto after = c->next();
    ASSERT_TRUE(after.has_value());
    EXPECT_FALSE(after->is_event()) << after->data;
  }
  // An id this run never had (made up, or from before Redis lost its data)
  // counts as none: the client gets the record.
  {
    auto c =
        e.open(e.demo, run, "", {{"Last-Event-ID", std::to_string(std::stoull(newer) + 1000000)}});
    expect_stream_start(*c);
    auto b = c->next_event();
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->id, newer);
  }
  // The header wins over the query; a malformed header is ignored (the stream
  // starts with the run as it is); a malformed query is a 400 problem.
  {
    auto c = e.open(e.demo, run, "?last_event_id=1", {{"Last-Event-ID", newer}});
    expect_stream_start(*c);
    auto b = c->next();
    ASSERT_TRUE(b.has_value());
    EXPECT_FALSE(b->is_event()) << b->data;
  }
  {
    auto c = e.open(e.demo, run, "", {{"Last-Event-ID", "not-a-number"}});
    expect_stream_start(*c);
    auto b = c->next_event();
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->id, newer);
  }
  {
    auto c = e.open(e.demo, run, "?last_event_id=-3");
    ASSERT_TRUE(c->read_head());
    EXPECT_EQ(c->status, 400);
    EXPECT_EQ(c->header("Content-Type"), "application/problem+json");
    EXPECT_NE(c->body().find("last_event_id"), std::string::npos);
  }
  // A finished run the client has completely: just `end`, and the stream closes.
  e.set_run(run, {{"state", "succeeded"}, {"phase", "done"}});
  std::string final_id;
  {
    auto c = e.open(e.demo, run, "", {{"Last-Event-ID", newer}});
    expect_stream_start(*c);
    auto b = c->next_event();
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(state_in(*b), "succeeded");
    final_id = b->id;
    EXPECT_EQ(c->next_event()->event, "end");
    EXPECT_TRUE(c->ended_and_closed());
  }
  {
    auto c = e.open(e.demo, run, "", {{"Last-Event-ID", final_id}});
    expect_stream_start(*c);
    auto b = c->next_event();
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->event, "end");
    EXPECT_TRUE(c->ended_and_closed());
  }
}

TEST(RunEvents, TwoReplicasOnOneRedisGiveTheSameIds) {
  EventsEnv e(Settings{{"JB_SSE_HEARTBEAT_MS", "300"}});
  ASSERT_TRUE(e.ok);
  // A second auth-service on the same Redis, with its own ports.
  int port_a = e.stack.http_port;
  std::unique_ptr<Process> replica_a = std::move(e.stack.auth);
  e.stack.events_endpoint = e.stack.fresh_endpoint("events");
  e.stack.vault_endpoint = e.stack.fresh_endpoint("vault");
  ASSERT_TRUE(
      e.stack.start_auth({{"JB_JELLYFIN_URL", e.home.url()}, {"JB_SSE_HEARTBEAT_MS", "300"}}));
  int port_b = e.stack.http_port;

  std::string run = e.make_run(e.demo);
  auto a = e.open(e.demo, run, "", {}, port_a);
  auto b = e.open(e.demo, run, "", {}, port_b);
  expect_stream_start(*a);
  expect_stream_start(*b);
  auto a1 = a->next_event(), b1 = b->next_event();
  ASSERT_TRUE(a1 && b1);
  EXPECT_EQ(a1->id, b1->id);
  EXPECT_EQ(a1->data, b1->data);

  // Only replica A hears the worker (its events endpoint); B follows through
  // Redis. Both name the new record alike.
  e.set_run(run, {{"state", "running"}, {"phase", "scan"}});
  auto a2 = announce_until_event(e, run, *a);
  auto b2 = b->next_event();
  ASSERT_TRUE(a2 && b2);
  EXPECT_EQ(a2->id, b2->id);
  EXPECT_EQ(a2->data, b2->data);
  EXPECT_GT(id_of(*a2), id_of(*a1));

  // A client moving from A to B with A's id gets nothing again from B...
  auto moved = e.open(e.demo, run, "", {{"Last-Event-ID", a2->id}}, port_b);
  expect_stream_start(*moved);
  auto quiet = moved->next();
  ASSERT_TRUE(quiet.has_value());
  EXPECT_FALSE(quiet->is_event()) << quiet->data;
  // ...and the next record, with the id A gives it too.
  e.set_run(run, {{"state", "succeeded"}, {"phase", "done"}});
  auto m3 = moved->next_event(), a3 = a->next_event();
  ASSERT_TRUE(m3 && a3);
  EXPECT_EQ(m3->id, a3->id);
  EXPECT_EQ(state_in(*m3), "succeeded");
  EXPECT_EQ(moved->next_event()->event, "end");

  // Ids survive restarts: they live in Redis. Stop both replicas, start a fresh one.
  std::unique_ptr<Process> replica_b = std::move(e.stack.auth);
  for (Process* p : {replica_a.get(), replica_b.get()}) p->signal(SIGTERM);
  for (Process* p : {replica_a.get(), replica_b.get()}) ASSERT_TRUE(p->wait(10000).has_value());
  e.stack.events_endpoint = e.stack.fresh_endpoint("events");
  e.stack.vault_endpoint = e.stack.fresh_endpoint("vault");
  ASSERT_TRUE(e.stack.start_auth({{"JB_JELLYFIN_URL", e.home.url()}}));
  auto again = e.open(e.demo, run);
  expect_stream_start(*again);
  auto r = again->next_event();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->id, a3->id);
  EXPECT_EQ(r->data, a3->data);
}

TEST(RunEvents, StreamsAreCappedPerUserAndInTotalAndAClosedStreamFreesItsSlot) {
  EventsEnv e(Settings{{"JB_SSE_HEARTBEAT_MS", "300"},
                       {"JB_SSE_MAX_STREAMS_PER_USER", "2"},
                       {"JB_SSE_MAX_STREAMS", "3"}});
  ASSERT_TRUE(e.ok);
  std::string run = e.make_run(e.demo), admins = e.make_run(e.admin);
  auto d1 = e.open(e.demo, run), d2 = e.open(e.demo, run);
  expect_stream_start(*d1);
  expect_stream_start(*d2);

  // A third stream of the same user: 429, problem+json, Retry-After.
  auto d3 = e.open(e.demo, run);
  ASSERT_TRUE(d3->read_head());
  EXPECT_EQ(d3->status, 429);
  EXPECT_EQ(d3->header("Content-Type"), "application/problem+json");
  EXPECT_EQ(d3->header("Retry-After"), "1");
  auto p = json::parse(d3->body());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(json::get_string(*p, "type"), "urn:jellybridge:problem:too_many_event_streams");
  EXPECT_EQ(json::get_int(*p, "status"), 429);
  EXPECT_EQ(json::get_int(*p, "limit"), 2);
  EXPECT_EQ(json::get_int(*p, "retry_after"), 1);
  EXPECT_NE(json::get_string(*p, "detail").find("2"), std::string::npos);

  // Someone else takes the last slot of the server; then the server is full: 503.
  auto a1 = e.open(e.admin, admins);
  expect_stream_start(*a1);
  auto a2 = e.open(e.admin, admins);
  ASSERT_TRUE(a2->read_head());
  EXPECT_EQ(a2->status, 503);
  EXPECT_EQ(a2->header("Content-Type"), "application/problem+json");
  EXPECT_FALSE(a2->header("Retry-After").empty());
  p = json::parse(a2->body());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(json::get_string(*p, "type"), "urn:jellybridge:problem:event_streams_exhausted");
  EXPECT_EQ(json::get_int(*p, "limit"), 3);

  // A client that goes away frees its slot: the next stream is admitted.
  d1->close();
  std::unique_ptr<SseClient> d4;
  ASSERT_TRUE(eventually(
      [&] {
        d4 = e.open(e.demo, run);
        return d4->read_head() && d4->status == 200;
      },
      kWaitMs))
      << "the slot of a client that left is freed";
  auto first = d4->next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->retry, "1000");
  auto snap = d4->next_event();
  ASSERT_TRUE(snap.has_value());
  EXPECT_EQ(snap->event, "state");
  // A stream that ends (the run finished) frees its slot too.
  ASSERT_EQ(a1->next_event()->event, "state");
  e.set_run(admins, {{"state", "succeeded"}});
  e.announce(admins);
  auto fin = a1->next_event();
  ASSERT_TRUE(fin.has_value());
  EXPECT_EQ(state_in(*fin), "succeeded");
  EXPECT_EQ(a1->next_event()->event, "end");
  EXPECT_TRUE(a1->ended_and_closed());
  std::unique_ptr<SseClient> a3;
  ASSERT_TRUE(eventually(
      [&] {
        a3 = e.open(e.admin, admins);
        return a3->read_head() && a3->status == 200;
      },
      kWaitMs));
  // The metrics count each stream as it starts.
  auto m = e.stack.http.get(e.stack.api("/metrics"));
  ASSERT_TRUE(m.ok());
  EXPECT_NE(m->body.find("route=\"/api/v1/runs/{id}/events\",method=\"GET\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(m->body.find("route=\"/api/v1/runs/{id}/events\",method=\"GET\",status=\"429\"}"),
            std::string::npos);
}

TEST(RunEvents, OnlyTheOwnerStreamsAValidRunId) {
  EventsEnv e;
  ASSERT_TRUE(e.ok);
  std::string run = e.make_run(e.demo);
  auto problem = [&](std::unique_ptr<SseClient> c, int status, const std::string& code) {
    ASSERT_TRUE(c->read_head());
    EXPECT_EQ(c->status, status);
    EXPECT_EQ(c->header("Content-Type"), "application/problem+json");
    auto p = json::parse(c->body());
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(json::get_string(*p, "type"), "urn:jellybridge:problem:" + code);
  };
  // Someone else's run is no run of yours.
  problem(e.open(e.admin, run), 404, "not_found");
  // Malformed ids: upper case, too short, too long, not hex.
  std::string upper = run;
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper == run) upper[0] = 'A';
  for (const std::string& bad :
       {upper, run.substr(0, 31), run + "0", std::string(32, 'g'), std::string("..")})
    problem(e.open(e.demo, bad), 404, "not_found");
  // A valid id of no run.
  problem(e.open(e.demo, rnd::id128()), 404, "not_found");
  // No session.
  auto anon = std::make_unique<SseClient>(e.stack.http_port, "/api/v1/runs/" + run + "/events",
                                          std::vector<std::pair<std::string, std::string>>{});
  ASSERT_TRUE(anon->read_head());
  EXPECT_EQ(anon->status, 401);
  // The owner streams it.
  auto mine = e.open(e.demo, run);
  expect_stream_start(*mine);
}

TEST(RunEvents, SigtermEndsOpenStreamsAndTheServiceExits) {
  EventsEnv e;
  ASSERT_TRUE(e.ok);
  std::string run = e.make_run(e.demo);
  std::vector<std::unique_ptr<SseClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(e.open(e.demo, run));
    expect_stream_start(*clients.back());
    ASSERT_TRUE(clients.back()->next_event().has_value());
  }
  e.stack.auth->signal(SIGTERM);
  // Each stream ends without `end` (the run is not over: an EventSource reconnects).
  for (auto& c : clients) {
    auto b = c->next_event(kWaitMs);
    EXPECT_FALSE(b.has_value()) << b->event;
    EXPECT_TRUE(c->ended_and_closed());
  }
  auto st = e.stack.auth->wait(5000);
  ASSERT_TRUE(st.has_value()) << "auth-service did not exit within 5 s";
  EXPECT_EQ(*st, 0);
}

TEST(RunEvents, ARealSyncRunStreamsOnOneConnectionUntilTheEnd) {
  auto content = [](const char* variant) {
    return std::vector<std::string>{
        "--demo", "--generate",
        std::string("seed=7,missing=0,junk=0,exclusive=0,multi=0,dup4k=0,movies=80,series=2,"
                    "seasons=2,episodes=4,differ=30,variant=") +
            variant};
  };
  // No worker yet: the run waits, queued, until the stream is open.
  SyncEnv e(content("a"), content("b"), 0);
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(e.b.control("POST", "/__standin/latency", R"({"GlobalMs":5})").ok());
  std::string pair = e.create_pair("\"mode\":\"two-way\"");
  ASSERT_FALSE(pair.empty());
  std::string run = e.start_run(pair);
  ASSERT_FALSE(run.empty());
  SseClient c(e.stack.http_port, "/api/v1/runs/" + run + "/events",
              {{"Authorization", "Bearer " + e.token}});
  expect_stream_start(c);
  auto queued = c.next_event();
  ASSERT_TRUE(queued.has_value());
  EXPECT_EQ(queued->event, "state");
  EXPECT_EQ(state_in(*queued), "queued");
  for (const char* w : {"w1", "w2"})
    ASSERT_TRUE(e.stack.start_worker(
        w, {{"JB_SCHEDULE_TICK_MS", "200"}, {"JB_JELLYFIN_TIMEOUT_MS", "3000"}}));
  std::vector<Block> events{*queued};
  uint64_t last = id_of(*queued);
  for (;;) {
    auto b = c.next_event(60000);
    ASSERT_TRUE(b.has_value()) << "the stream stopped before `end`";
    if (b->event == "end") break;
    EXPECT_EQ(b->event, "progress");
    EXPECT_GT(id_of(*b), last) << "ids only grow";
    last = id_of(*b);
    events.push_back(*b);
  }
  ASSERT_GE(events.size(), 3u) << "the snapshot, then the workers' progress";
  EXPECT_EQ(state_in(events.back()), "succeeded") << events.back().data;
  EXPECT_TRUE(c.ended_and_closed());
  // The record the stream ended with is the run's record.
  auto now = e.json_of(e.call("GET", "/api/v1/runs/" + run));
  EXPECT_EQ(json::get_string(now, "state"), "succeeded");
}
