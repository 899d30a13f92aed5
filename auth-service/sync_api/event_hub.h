// event_hub.h — the live server-sent event streams of sync runs
// (GET /api/v1/runs/{id}/events), fed by the workers' ZeroMQ events.
//
// A stream is parked here, not in a thread. The route's handler (a pool
// thread) checks the request, reserve()s a slot, starts the http::EventStream
// and attach()es it, which sends what the client lacks; from then on only the
// hub's one thread writes to it. publish() — called by the ZeroMQ subscriber
// for each "run" event — only marks the run as changed and wakes that thread,
// which reads the run's record and revision from Redis (run_revisions.h) once
// per burst and writes it to each of the run's streams whose client does not
// have it yet. The Redis read stays off the subscriber thread, so a slow Redis
// never stalls event intake. Events are full snapshots, so coalescing a burst
// loses nothing and a missed ZeroMQ event only delays a snapshot: every
// heartbeat also re-reads the watched runs, which is also how a replica that
// gets no worker events at all still follows a run. Events for a run reach
// only that run's streams.
//
// What a stream carries (ids are the run's revisions):
//   retry: <retry_ms>                      first (the route's head chunk)
//   id: N / event: state / data: <run>     the run now, if newer than the client's Last-Event-ID
//   id: M / event: progress / data: <run>  each newer record
//   : keep-alive                           every heartbeat_ms
//   event: end / data: {"state":"…"}       once the client has the succeeded/failed record;
//                                          then the stream is closed
//
// Limits: reserve() admits at most max_streams_per_user streams per user and
// max_streams in all (counting open streams and ones being set up). Over a
// limit it answers "too_many_event_streams" (429) or "event_streams_exhausted"
// (503), both with retry_after_s = the heartbeat interval, within which a
// slot held by a vanished client is freed at the latest. A slot is freed the
// moment its stream closes, for any reason (the client left, a write failed,
// the run ended, shutdown).
//
// stop() closes every stream (the last chunk, and no "end": the run is not
// over, so an EventSource reconnects, maybe to another replica) and closes any
// stream attached later at once.
//
// Thread-safety: thread-safe. publish() never waits on I/O. Locks: mu_
// (streams) may be held while taking wake_mu_ or count_mu_, never the other
// way round; EventStream close callbacks take only wake_mu_ and count_mu_.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "auth-service/sync_api/run_revisions.h"
#include "common/core/result.h"
#include "common/net/http_server.h"

namespace jb::auth {

struct EventHubOptions {
  int64_t heartbeat_ms = 15000;      // JB_SSE_HEARTBEAT_MS
  int64_t retry_ms = 1000;           // the reconnection delay suggested to clients
  int64_t max_streams = 1000;        // JB_SSE_MAX_STREAMS
  int64_t max_streams_per_user = 8;  // JB_SSE_MAX_STREAMS_PER_USER
};

// Where the hub reads a run's current record and revision (RunRevisions in
// production).
using SnapshotSource = std::function<Result<RunSnapshot>(const std::string& run_id)>;

class RunEventHub {
 public:
  // A reserved place for one stream; freed by release() or when dropped.
  class Slot {
   public:
    Slot(RunEventHub* hub, std::string user) : hub_(hub), user_(std::move(user)) {}
    ~Slot() { release(); }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    void release();
    bool released() const { return released_.load(); }

   private:
    RunEventHub* hub_;
    std::string user_;
    std::atomic<bool> released_{false};
  };

  // Without a source (tests of the routes only), snapshot() fails and
  // publish() changes nothing.
  explicit RunEventHub(EventHubOptions opts = {}, SnapshotSource source = {});
  ~RunEventHub();
  RunEventHub(const RunEventHub&) = delete;
  RunEventHub& operator=(const RunEventHub&) = delete;

  void start();
  void stop();

  // The run changed (a worker's event, checked by event_intake.h); never blocks.
  // Anything that is not a run id is ignored.
  void publish(const std::string& run_id);
  // A slot for one more stream of this user, or the problem why not.
  Result<std::shared_ptr<Slot>> reserve(const std::string& user_id);
  // The run's record now, with its revision.
  Result<RunSnapshot> snapshot(const std::string& run_id);
  // Sends the client what it lacks after last_event_id (given `now`, the run
  // as the caller read it, or newer; an id above the run's newest revision
  // counts as none) and parks the stream, or ends it when the run is over.
  // The slot is held until the stream closes.
  void attach(std::shared_ptr<Slot> slot, const std::string& run_id, uint64_t last_event_id,
              const RunSnapshot& now, std::shared_ptr<http::EventStream> stream);

  const EventHubOptions& options() const { return opts_; }

 private:
  struct Watcher {
    std::shared_ptr<http::EventStream> stream;
    std::shared_ptr<Slot> slot;
    uint64_t last_id = 0;   // the newest revision the client has
    std::string last_json;  // the record it has (sent on this connection)
    bool sent = false;      // a record went out on this connection: later ones are "progress"
  };
  struct Run {
    RunSnapshot latest;
    std::vector<Watcher> watchers;
  };

  // Writes what w's client lacks of run.latest. False when w is done (ended or closed).
  bool catch_up(const RunSnapshot& latest, Watcher& w);
  void deliver(const std::string& run_id, const RunSnapshot& snap);
  void sweep();
  void wake_for_sweep();
  void release(const std::string& user);
  void loop();

  EventHubOptions opts_;
  SnapshotSource source_;

  std::mutex mu_;
  std::map<std::string, Run> runs_;  // runs with streams
  bool stopped_ = false;

  std::mutex wake_mu_;
  std::condition_variable wake_cv_;
  std::set<std::string> dirty_;  // runs published since the thread last looked
  bool sweep_ = false;           // a stream closed
  bool stop_ = false;

  std::mutex count_mu_;
  std::map<std::string, int64_t> per_user_;
  int64_t total_ = 0;

  std::thread thread_;
};

}  // namespace jb::auth
