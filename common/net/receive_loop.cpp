// receive_loop.cpp — see receive_loop.h.
#include "common/net/receive_loop.h"

namespace jb {

void receive_loop(zmq::socket_t& sock, const std::atomic<bool>& stop,
                  const std::function<void(std::vector<zmq::message_t>&)>& on_message, int burst,
                  std::chrono::milliseconds slice) {
  while (!stop.load()) {
    zmq::pollitem_t it[] = {{sock.handle(), 0, ZMQ_POLLIN, 0}};
    try {
      zmq::poll(it, 1, slice);
    } catch (const zmq::error_t&) {
      return;  // the context is going away
    }
    if (!(it[0].revents & ZMQ_POLLIN)) continue;
    for (int n = 0; n < burst && !stop.load(); ++n) {
      std::vector<zmq::message_t> parts;
      try {
        if (!zmq::recv_multipart(sock, std::back_inserter(parts), zmq::recv_flags::dontwait)) break;
      } catch (const zmq::error_t&) {
        return;
      }
      on_message(parts);
    }
  }
}

}  // namespace jb
