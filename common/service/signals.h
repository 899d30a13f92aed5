// signals.h — graceful-shutdown plumbing shared by the service mains.
//
// Call block_shutdown_signals() first thing in main(), before any thread is
// created, so SIGTERM/SIGINT/SIGHUP are delivered only to the thread that calls
// wait_for_shutdown_signal() (the documented Pistache shutdown recipe).
//
// Thread-safety: block_shutdown_signals() once on the main thread before
// threads exist; wait_for_shutdown_signal() from one thread.
#pragma once

namespace jb {

void block_shutdown_signals();
// Blocks until SIGTERM, SIGINT or SIGHUP arrives; returns the signal number.
int wait_for_shutdown_signal();
const char* signal_name(int sig);

}  // namespace jb
