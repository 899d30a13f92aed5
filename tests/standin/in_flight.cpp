// in_flight.cpp — see in_flight.h.
#include "tests/standin/in_flight.h"

#include <algorithm>

namespace jb::standin {

std::shared_ptr<InFlight::Hold> InFlight::enter() {
  {
    std::lock_guard lock(mu_);
    ++f_.current;
    f_.max = std::max(f_.max, f_.current);
  }
  return std::make_shared<Hold>(*this);
}

void InFlight::leave() {
  std::lock_guard lock(mu_);
  if (f_.current > 0) --f_.current;
}

InFlight::Figures InFlight::figures() const {
  std::lock_guard lock(mu_);
  return f_;
}

void InFlight::reset_max() {
  std::lock_guard lock(mu_);
  f_.max = f_.current;
}

}  // namespace jb::standin
