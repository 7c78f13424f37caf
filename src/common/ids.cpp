#include "common/ids.hpp"

#include <cstdint>
#include <mutex>

#include "common/clock.hpp"
#include "common/encoding.hpp"

namespace mothership::common {

std::string new_id(std::string_view prefix) {
  static constexpr char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  // 128 bits: 48 of time then 80 of randomness, written as 26 base32 digits (the top 2 bits are zero).
  std::string raw = random_bytes(10);
  unsigned __int128 value = static_cast<std::uint64_t>(now_ms()) & 0xFFFFFFFFFFFFULL;
  for (unsigned char c : raw) value = (value << 8) | c;
  {
    // Monotonic within the process (the ULID spec's option): an id made in the same
    // millisecond as the one before, or while the clock stepped back, is that one plus one, so
    // "newest first" by id is exact for everything this process creates.
    static std::mutex mutex;
    static unsigned __int128 last = 0;
    std::lock_guard lock(mutex);
    if ((value >> 80) <= (last >> 80)) value = last + 1;
    last = value;
  }
  std::string digits(26, '0');
  for (int i = 25; i >= 0; --i) {
    digits[i] = alphabet[static_cast<int>(value & 31)];
    value >>= 5;
  }
  std::string out(prefix);
  out += '_';
  out += digits;
  return out;
}

}  // namespace mothership::common
