// state_saver.h — keeps a --state-file up to date with the Store. It
// listens for Store changes (every write() and replace(), so every mutation
// including POST /__standin/reset), and a background thread saves at most
// once per `min_interval` (the first change after a quiet period is saved at
// once, a burst of changes once per interval) and once more when stopped.
// A save copies the persisted part under the Store's shared lock (a memory
// copy, no I/O) and serialises and writes it outside any lock with
// write_file_atomic, skipping the write when the bytes equal the last save.
// A failed save is reported on stderr once, retried after the interval, and
// returned by stop().
//
// Thread-safety: save_now(), start(), stop() and the accessors may be called
// from any thread; saves never overlap. The Store must outlive the saver.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/core/result.h"
#include "tests/standin/store.h"

namespace jb::standin {

class StateSaver {
 public:
  StateSaver(Store& store, std::string path, std::chrono::milliseconds min_interval);
  ~StateSaver();
  StateSaver(const StateSaver&) = delete;
  StateSaver& operator=(const StateSaver&) = delete;

  // Saves now, synchronously (start-up: creates or rewrites the file).
  Status save_now();
  // Starts the background thread (again, after stop()).
  void start();
  // Stops the thread after a final save of any unsaved change; returns the
  // outcome of the last save attempt. Idempotent.
  Status stop();

  const std::string& path() const { return path_; }
  // Files written so far (saves whose bytes were unchanged are not counted).
  uint64_t writes() const;

 private:
  void mark_dirty();
  void run();
  // Clears dirty_, writes a snapshot, records the outcome; `report` logs
  // failures (once) and recovery on stderr.
  Status save(bool report);
  Status write_snapshot();  // needs save_mu_

  Store& store_;
  const std::string path_;
  const std::chrono::milliseconds interval_;

  mutable std::mutex mu_;  // dirty_, stopping_, last_save_, status_, writes_
  std::condition_variable cv_;
  bool dirty_ = false;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_save_{};
  Status status_;
  uint64_t writes_ = 0;

  std::mutex save_mu_;    // one save at a time; guards the three below
  size_t last_hash_ = 0;  // of the bytes last written
  bool saved_once_ = false;
  bool failing_ = false;  // the last save failed (reported)

  std::thread thread_;
};

}  // namespace jb::standin
