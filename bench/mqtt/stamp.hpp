#pragma once
// What every load message carries at the front of its payload: the run that sent it (a broker
// may still deliver an earlier run's messages it had buffered), who sent it, its number in
// that publisher's sequence, and when (steady clock, so only the same process can read it:
// the generator publishes and subscribes itself). The rest of the payload is padding.
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace mothership::bench {

struct stamp {
  std::uint32_t run = 0;
  std::uint32_t publisher = 0;
  std::uint32_t sequence = 0;
  std::int64_t sent_ns = 0;
};

inline constexpr std::size_t stamp_size = 20;

inline std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A payload of `size` bytes (at least stamp_size) starting with `s`.
inline std::string stamped_payload(const stamp& s, std::size_t size) {
  std::string payload(std::max(size, stamp_size), 'x');
  std::memcpy(payload.data(), &s.run, 4);
  std::memcpy(payload.data() + 4, &s.publisher, 4);
  std::memcpy(payload.data() + 8, &s.sequence, 4);
  std::memcpy(payload.data() + 12, &s.sent_ns, 8);
  return payload;
}

inline std::optional<stamp> read_stamp(std::string_view payload) {
  if (payload.size() < stamp_size) return std::nullopt;
  stamp s;
  std::memcpy(&s.run, payload.data(), 4);
  std::memcpy(&s.publisher, payload.data() + 4, 4);
  std::memcpy(&s.sequence, payload.data() + 8, 4);
  std::memcpy(&s.sent_ns, payload.data() + 12, 8);
  return s;
}

}  // namespace mothership::bench
