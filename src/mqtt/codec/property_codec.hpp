#pragma once
// Internal to the codec: reading and writing an MQTT 5 property list (§2.2.2).
#include <cstdint>

#include "mqtt/codec/packets.hpp"
#include "mqtt/codec/wire.hpp"

namespace mothership::mqtt::detail {

// Where a property list sits; each property is allowed in some of these only (§2.2.2.2).
enum class property_scope : std::uint8_t {
  connect,
  connack,
  publish,
  will,
  puback,
  pubrec,
  pubrel,
  pubcomp,
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  disconnect,
  auth,
};

// Reads a Property Length and the properties it covers into `out` (which starts empty).
// A property not allowed in `scope` or of an unknown identifier is a malformed packet; a repeated
// single-valued property or an out-of-range value is a protocol error.
void read_properties(reader& r, property_scope scope, properties& out);

// Writes a Property Length and the properties of `p` allowed in `scope`, in identifier order.
void write_properties(writer& w, const properties& p, property_scope scope);

// Bytes write_properties() produces, the length prefix included.
std::size_t properties_size(const properties& p, property_scope scope);

// True if `p` holds nothing that write_properties() would send in `scope`.
bool properties_empty(const properties& p, property_scope scope);

}  // namespace mothership::mqtt::detail
