#pragma once
// The pending bytes of one writer: appends land in a fixed block that goes to the sink whenever
// it fills, so the sink sees few large writes and a writer never holds more than `capacity`
// bytes, however long a row or a single field is.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "reports/byte_sink.hpp"

namespace mothership::reports {

class output_buffer {
 public:
  static constexpr std::size_t default_capacity = 64 * 1024;

  explicit output_buffer(byte_sink& out, std::size_t capacity = default_capacity);

  void append(char c) {
    if (size_ == capacity_) flush();
    data_[size_++] = c;
  }
  void append(std::string_view bytes) {
    if (bytes.size() <= capacity_ - size_) {
      bytes.copy(data_.get() + size_, bytes.size());
      size_ += bytes.size();
    } else {
      append_in_pieces(bytes);
    }
  }

  // In the shortest form that reads back to the same value (std::to_chars); `n` must be
  // finite, as text formats have no one spelling for NaN or infinity.
  void append_number(std::int64_t n);
  void append_number(double n);

  // Hands the pending bytes to the sink (not finishing it).
  void flush();
  std::size_t size() const { return size_; }

 private:
  // Enough for any number to_chars writes ("-2.2250738585072014e-308" is 24).
  static constexpr std::size_t number_room = 32;

  void append_in_pieces(std::string_view bytes);
  template <class Number>
  void append_chars(Number n);

  byte_sink& out_;
  std::size_t capacity_;
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
};

}  // namespace mothership::reports
