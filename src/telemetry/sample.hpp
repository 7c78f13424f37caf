#pragma once
// One measured value of one device, as telemetry keeps it: a named number, boolean or short
// string at the device's time, with the time the server received it beside it (a device's
// clock may be off; both are kept).
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace mothership::telemetry {

using reading_value = std::variant<double, bool, std::string>;

enum class value_kind { number, boolean, text };

inline value_kind kind_of(const reading_value& v) {
  return std::holds_alternative<double>(v) ? value_kind::number
         : std::holds_alternative<bool>(v) ? value_kind::boolean
                                           : value_kind::text;
}
std::string_view name(value_kind k);

struct sample {
  std::string key;
  std::int64_t ts = 0;           // device time, Unix ms (server time when the device sent none)
  std::int64_t received_at = 0;  // server time, Unix ms
  reading_value value;
};

// Where a device's values came from: its telemetry topic, or what the server also keeps as
// telemetry from its heartbeats and state reports.
enum class source { telemetry, heartbeat, state };

}  // namespace mothership::telemetry
