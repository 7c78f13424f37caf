#pragma once
// SQL for onboarding_requests: one row per serial from the first of (device hello, technician
// approval) until the device first connects with its certificate.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "storage/database.hpp"

namespace mothership::provisioning {

struct onboarding_request {
  std::string serial;
  // From the device's hello.
  std::optional<std::string> csr;
  std::optional<std::string> model;
  std::optional<std::string> firmware_version;
  std::optional<common::millis> hello_at;
  std::optional<std::string> source;  // the device's address
  // From the technician's approval.
  std::optional<std::string> approved_by;
  std::optional<common::millis> approved_at;
  std::optional<std::string> device_id;
  // Once the certificate is issued.
  std::optional<std::string> certificate_serial;
  std::optional<common::millis> issued_at;
  common::millis created_at = 0;
  common::millis updated_at = 0;

  // "awaiting_approval" (hello, no approval), "awaiting_device" (approved, no CSR yet) or
  // "awaiting_connection" (certificate issued, not yet used).
  std::string stage() const;
};

namespace onboarding_store {

std::optional<onboarding_request> find(storage::connection& c, const std::string& serial);
std::vector<onboarding_request> list(storage::connection& c, int limit);
// Inserts or replaces the whole row.
void save(storage::connection& c, const onboarding_request& r);
void remove(storage::connection& c, const std::string& serial);

}  // namespace onboarding_store
}  // namespace mothership::provisioning
