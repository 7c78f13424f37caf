#pragma once
// SQL for the certificates table: every certificate the CA issued to a device, so that an
// operator can see what is out there, revoke it and publish the revocation list.
#include <optional>
#include <string>
#include <vector>

#include "pki/certificate_authority.hpp"
#include "storage/database.hpp"

namespace mothership::pki::certificate_store {

struct certificate_record {
  std::string serial;
  std::string sha256;
  std::string device_id;
  std::int64_t not_before = 0;
  std::int64_t not_after = 0;
  std::string status;  // active | superseded (renewed) | revoked
  std::optional<std::int64_t> revoked_at;
  std::optional<std::string> revocation_reason;
  std::int64_t created_at = 0;
};

// Records a new certificate as the device's active one; earlier active ones become superseded.
void insert(storage::connection& c, const issued_certificate& cert, const std::string& device_id, std::int64_t now);
std::optional<certificate_record> find(storage::connection& c, const std::string& serial);
// Newest first.
std::vector<certificate_record> for_device(storage::connection& c, const std::string& device_id);
// Revokes every certificate of the device not yet revoked; returns their serials.
std::vector<std::string> revoke_device(storage::connection& c, const std::string& device_id, const std::string& reason,
                                       std::int64_t now);
std::vector<revoked_serial> revoked(storage::connection& c);

}  // namespace mothership::pki::certificate_store
