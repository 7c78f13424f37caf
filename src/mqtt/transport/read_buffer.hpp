#pragma once
// The bytes a connection has read and not yet decoded. It holds memory only while a packet is
// being read: an idle connection gives it back (release), so silent devices cost no buffer.
// One pointer and three 32-bit counts, not a std::vector and two size_t: every connection
// carries one, busy or not. Packets are at most 256 MB [MQTT-2.2.3], so 32 bits suffice.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

namespace mothership::mqtt {

class read_buffer {
 public:
  // The unread bytes.
  std::span<const std::uint8_t> unread() const { return {data_.get() + begin_, end_ - begin_}; }
  bool empty() const { return begin_ == end_; }
  // Where the next read goes, after make_room.
  std::span<std::uint8_t> free_space() { return {data_.get() + end_, size_ - end_}; }

  void consume(std::size_t n) {
    begin_ += static_cast<std::uint32_t>(n);
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void filled(std::size_t n) { end_ += static_cast<std::uint32_t>(n); }

  // Room for at least `want` more bytes (and at least `chunk`, so that small reads do not
  // each grow it), keeping what is unread at the front.
  void make_room(std::size_t want, std::size_t chunk) {
    if (begin_ > 0) {
      std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (size_ - end_ >= want) return;
    const auto size = static_cast<std::uint32_t>(end_ + std::max(want, chunk));
    auto bigger = std::make_unique_for_overwrite<std::uint8_t[]>(size);
    if (end_ > 0) std::memcpy(bigger.get(), data_.get(), end_);
    data_ = std::move(bigger);
    size_ = size;
  }

  // Frees the memory when nothing is unread; false (and keeps it) otherwise.
  bool release() {
    if (!empty()) return false;
    data_.reset();
    size_ = begin_ = end_ = 0;
    return true;
  }

 private:
  std::unique_ptr<std::uint8_t[]> data_;
  std::uint32_t size_ = 0;
  std::uint32_t begin_ = 0, end_ = 0;  // unread bytes are data_[begin_, end_)
};

}  // namespace mothership::mqtt
