#pragma once
// Reads what a device publishes into samples (docs/device-protocol.md, "Telemetry"):
//
//   {"temperature": 21.5, "door_open": false, "mode": "eco"}          values at the server's time
//   {"ts": 1765000000000, "values": {"temperature": 21.5}}            one reading at the device's time
//   [{"ts": 1765000000000, "values": {...}}, {"ts": ..., ...}]        a batch of readings
//
// Telemetry is all or nothing: one bad value refuses the whole message, so a device never
// has half a batch stored and the other half to resend. Heartbeats and state reports are
// the device's own business first: from them only the top-level numbers, booleans and short
// strings are kept, and nothing is ever refused.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "telemetry/sample.hpp"

namespace mothership::telemetry {

struct payload_limits {
  std::size_t max_keys = 100;                         // values in one reading
  std::size_t max_batch = 1000;                       // readings in one batch
  std::size_t max_key_length = 64;                    // bytes
  std::size_t max_string_bytes = 256;                 // a string value
  std::int64_t max_future_ms = 5 * 60 * 1000;         // a device clock may run this far ahead
  std::int64_t max_age_ms = 30LL * 24 * 3600 * 1000;  // older readings would be deleted at once
};

struct refusal {
  enum class kind {
    malformed,   // not JSON, the wrong shape, a value of no allowed type (MQTT 5: 0x99)
    over_limit,  // too many keys or readings, a key or string too long (MQTT 5: 0x97)
  };
  kind what;
  std::string reason;  // says which limit or value, for the device's log
};

using parse_result = std::variant<std::vector<sample>, refusal>;

// Readings without a time of their own get `server_ts` (by default the time received).
parse_result parse_payload(source from, std::string_view payload, std::int64_t received_at,
                           const payload_limits& limits, std::optional<std::int64_t> server_ts = std::nullopt);

// Letters, digits, '_', '.', '-'; starting with a letter or '_'; at most `max_length` bytes.
bool is_valid_key(std::string_view key, std::size_t max_length);

}  // namespace mothership::telemetry
