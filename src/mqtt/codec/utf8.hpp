#pragma once
// The MQTT rules for UTF-8 Encoded Strings (MQTT 5 §1.5.4, 3.1.1 §1.5.3).
#include <string_view>

namespace mothership::mqtt {

// True if `s` may be sent as an MQTT string: well-formed UTF-8 without overlong forms, without
// surrogates U+D800..U+DFFF and nothing above U+10FFFF [MQTT-1.5.4-1], without U+0000
// [MQTT-1.5.4-2], and at most 65,535 bytes. Other control characters and non-characters are
// allowed: the spec only says a sender SHOULD NOT use them and a receiver MAY refuse them.
// A leading BOM is a character like any other and is kept [MQTT-1.5.4-3].
bool valid_mqtt_string(std::string_view s);

}  // namespace mothership::mqtt
