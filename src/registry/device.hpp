#pragma once
// A registered device (ARCHITECTURE.md §6): created when a technician's claim is verified.
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace mothership::registry {

// awaiting_certificate: approved; the device has not yet connected with its certificate.
enum class lifecycle { awaiting_certificate, active, decommissioned };
std::string_view to_string(lifecycle l);
std::optional<lifecycle> parse_lifecycle(std::string_view text);

struct device {
  std::string id;  // "dev_..."
  std::string serial;
  std::string model;
  std::string hw_revision;
  std::string labels_json = "{}";  // object of string values
  lifecycle stage = lifecycle::awaiting_certificate;
  std::optional<std::string> firmware_version;
  std::optional<std::string> reported_state_json;  // the last devices/<id>/state payload
  std::optional<std::string> onboarded_by;         // user id
  bool online = false;
  common::millis created_at = 0;
  common::millis updated_at = 0;
  std::optional<common::millis> first_connected_at;
  std::optional<common::millis> last_seen_at;
};

}  // namespace mothership::registry
