// peak_rss.h — test and benchmark support: the resident memory of a process
// we started, read from /proc/<pid>/status (VmRSS now, VmHWM the peak), and a
// reset of the peak (writing "5" to /proc/<pid>/clear_refs, Linux ≥ 4.0), so
// one process can be measured phase by phase.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

namespace jb::testing {

// Resident set size now, in KiB; nullopt when the process is gone or /proc is unreadable.
std::optional<int64_t> rss_kib(pid_t pid);
// Peak resident set size since start (or since the last reset_peak_rss), in KiB.
std::optional<int64_t> peak_rss_kib(pid_t pid);
// Sets the peak back to the current RSS; false when the kernel refused.
bool reset_peak_rss(pid_t pid);

}  // namespace jb::testing
