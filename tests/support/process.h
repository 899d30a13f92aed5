// process.h — test support: start real binaries as child processes, read their
// stdout line by line, wait for a line, signal them and collect exit codes.
// Also temp dirs.
//
// Thread-safety: a Process object is used by one test thread. Its stdout is
// drained by an internal reader thread into a mutex-protected line buffer.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace jb::testing {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Directory of built binaries (JB_BINARY_DIR from ctest, else the cwd).
std::string binary_dir();
// Repository root (JB_SOURCE_DIR from ctest).
std::string source_dir();

class Process {
 public:
  // argv[0] is the executable path. env entries are added to the current environment.
  Process(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
          std::string name = "");
  ~Process();  // SIGKILLs if still running
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // The child leads a process group of its own (before start()); signal_group()
  // then signals the whole group, as a terminal's Ctrl-C does.
  void set_own_process_group(bool on) { own_group_ = on; }
  bool start();
  pid_t pid() const { return pid_; }
  bool running();
  // Waits until a stdout line satisfies pred; returns it.
  std::optional<std::string> wait_for_line(const std::function<bool(const std::string&)>& pred,
                                           int timeout_ms);
  std::vector<std::string> lines();  // everything read so far (stdout and stderr)
  void signal(int sig);
  void signal_group(int sig);
  // Waits for exit; returns the exit status (or 128+signal), nullopt on timeout.
  std::optional<int> wait(int timeout_ms);
  const std::string& name() const { return name_; }

 private:
  void reader(int fd);
  std::vector<std::string> argv_;
  std::map<std::string, std::string> env_;
  std::string name_;
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::thread out_thread_, err_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool echo_ = false;
  bool own_group_ = false;
  int open_pipes_ = 2;  // stdout and stderr readers not yet at end of file
};

}  // namespace jb::testing
