#pragma once
// The device a client certificate names: SAN URI `urn:mothership:device:<id>`, or else the
// subject CN (ARCHITECTURE.md §6). Only ids made of letters, digits, '-', '_' and '.' (at
// most 128) count, so an id can never smuggle MQTT topic syntax into a device's namespace.
#include <optional>
#include <string>
#include <string_view>

namespace mothership::pki {

bool is_valid_device_id(std::string_view id);

// `x509` is an OpenSSL X509* (kept opaque so callers need no OpenSSL headers). CA
// certificates name no device.
std::optional<std::string> device_id_of(const void* x509);

}  // namespace mothership::pki
