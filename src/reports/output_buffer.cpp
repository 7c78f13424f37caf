#include "reports/output_buffer.hpp"

#include <cmath>

#include <algorithm>
#include <charconv>

namespace mothership::reports {

output_buffer::output_buffer(byte_sink& out, std::size_t capacity)
    : out_(out), capacity_(std::max(capacity, number_room)), data_(new char[capacity_]) {}

void output_buffer::flush() {
  if (size_ == 0) return;
  // size_ is reset first: a sink that throws must not see the same bytes again from a retry.
  std::size_t n = size_;
  size_ = 0;
  out_.write({data_.get(), n});
}

void output_buffer::append_in_pieces(std::string_view bytes) {
  while (!bytes.empty()) {
    if (size_ == capacity_) flush();
    std::size_t n = std::min(bytes.size(), capacity_ - size_);
    bytes.copy(data_.get() + size_, n);
    size_ += n;
    bytes.remove_prefix(n);
  }
}

template <class Number>
void output_buffer::append_chars(Number n) {
  if (capacity_ - size_ < number_room) flush();
  char* at = data_.get() + size_;
  auto [end, ec] = std::to_chars(at, at + number_room, n);
  size_ += end - at;
}

void output_buffer::append_number(std::int64_t n) {
  append_chars(n);
}

void output_buffer::append_number(double n) {
  // A whole number reads as one ("100000", not the shortest form "1e+05"), as long as it is
  // exactly an integer (|n| < 2^53).
  if (n == std::trunc(n) && std::fabs(n) < 9007199254740992.0) {
    append_chars(static_cast<std::int64_t>(n));
    return;
  }
  append_chars(n);
}

}  // namespace mothership::reports
