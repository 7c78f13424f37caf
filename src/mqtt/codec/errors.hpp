#pragma once
// How the codec reports bad input: a value, never an exception.
#include <string>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

#include "mqtt/codec/reason_code.hpp"

namespace mothership::mqtt {

// `reason` is the MQTT 5 code the server sends back (CONNACK before a session exists, DISCONNECT
// after); a 3.1.1 peer just has its connection closed. `detail` is for logs, not for the peer.
struct decode_error {
  reason_code reason = reason_code::malformed_packet;
  std::string detail;
};

template <class T>
using decode_result = boost::system::result<T, decode_error>;

// Called by result::value() on an error: throws boost::system::system_error carrying the reason.
[[noreturn]] void throw_exception_from_error(const decode_error& e, const boost::source_location& loc);

}  // namespace mothership::mqtt
