#include "backoff.hpp"

#include <algorithm>

namespace mothership::agent {

std::chrono::milliseconds backoff::next() {
  double ceiling = static_cast<double>(min_.count());
  for (int i = 0; i < failures_ && ceiling < static_cast<double>(max_.count()); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<double>(max_.count()));
  if (failures_ < 64) ++failures_;
  std::uniform_real_distribution<double> fraction(0.5, 1.0);
  return std::chrono::milliseconds(static_cast<long long>(ceiling * fraction(random_)));
}

}  // namespace mothership::agent
