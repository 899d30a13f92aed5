// receive_loop.h — the loop a ZeroMQ-reading thread runs: until `stop` is
// set, wait (in short slices, so stopping is prompt) for the socket to become
// readable, then hand every multipart message waiting — up to `burst` per
// wake, so one chatty peer cannot starve the stop check — to `on_message`.
// Ends when the context is terminated. Used by the event subscriber and the
// ZAP handler; a socket is used by its one thread only.
//
// Thread-safety: runs on the calling thread; `stop` may be set from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <vector>
#include <zmq.hpp>
#include <zmq_addon.hpp>

namespace jb {

void receive_loop(zmq::socket_t& sock, const std::atomic<bool>& stop,
                  const std::function<void(std::vector<zmq::message_t>&)>& on_message,
                  int burst = 1000,
                  std::chrono::milliseconds slice = std::chrono::milliseconds(100));

}  // namespace jb
