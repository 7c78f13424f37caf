#pragma once
// The manufacturing import format, one device per line:
//
//   serial,model,hw_revision,claim_code[,factory_cert_sha256]
//
// An optional first line that starts with "serial," is a header. Fields may be quoted
// ("..." with "" for a quote), lines end in LF or CRLF, blank lines are skipped. Every line
// is checked and every bad one reported with its number, so a file can be fixed in one pass.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mothership::registry {

struct import_line {
  std::size_t line = 0;
  std::string serial;
  std::string model;
  std::string hw_revision;
  std::string claim_code;                          // empty when only a factory certificate is given
  std::optional<std::string> factory_cert_sha256;  // normalised: lower-case hex, no colons
};

struct line_error {
  std::size_t line = 0;
  std::string reason;
};

struct parsed_import {
  std::vector<import_line> lines;
  std::vector<line_error> errors;  // in line order
};

parsed_import parse_manufacturing_csv(std::string_view text);

// Serials become MQTT topic levels ($provision/<serial>/...) and the client id of a device
// being onboarded: letters, digits, '-', '_', '.', 1 to 64 characters, not beginning `dev_` or
// `usr_` (device ids and users' client ids).
bool is_valid_serial(std::string_view serial);

}  // namespace mothership::registry
