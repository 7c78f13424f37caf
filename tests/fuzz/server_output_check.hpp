#pragma once
// The connection fuzz target's oracle: rules the server's side of a conversation keeps however
// broken the client's side is. Walks a transcript in order, decoding both sides the way the
// server does, and names the first rule broken:
//   - the server writes whole packets that decode in the connection's version (malformed
//     output, or output where no CONNACK was due, is a bug);
//   - CONNACK first and once; nothing after a refusing CONNACK or after DISCONNECT; only packet
//     types a server may send; DISCONNECT only to MQTT 5 clients;
//   - no acknowledgement without its request (SUBACK, UNSUBACK, PINGRESP, PUBACK, PUBREC,
//     PUBCOMP at most as many as the client's SUBSCRIBE, ... so far);
//   - QoS 1/2 deliveries: no packet id reused while in flight; in flight at most the client's
//     Receive Maximum (MQTT 5) or the broker's 3.1.1 window;
//   - MQTT 5: no packet larger than the client's Maximum Packet Size (but CONNACK, SUBACK and
//     UNSUBACK, whose size follows the request); no topic alias beyond the client's maximum;
//   - every PUBLISH passes the authorizer's may_receive for the identity the client got;
//   - nothing written after the server closed the stream.
#include <cstdint>
#include <string>
#include <vector>

#include "mqtt/broker/fleet_policy.hpp"
#include "mqtt/transport/byte_stream.hpp"
#include "transcript.hpp"

namespace mothership::fuzz {

struct server_settings {
  const mqtt::fleet_policy& policy;  // who the client is, and what it may receive
  std::uint32_t max_packet_size;     // the broker's, for reading the client's packets
  std::uint16_t v311_window;         // the broker's in-flight limit towards 3.1.1 clients
};

struct violation {
  std::string rule;  // stable name, e.g. "maximum-packet-size DISCONNECT"
  std::string detail;
};

// Every rule broken, in order (empty when the server kept them all).
std::vector<violation> find_server_violations(const transcript& t, const mqtt::peer_info& peer,
                                              const server_settings& server);

}  // namespace mothership::fuzz
