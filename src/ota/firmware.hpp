#pragma once
// A firmware image in the catalog: its metadata here, its bytes in the blob store.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"

namespace mothership::ota {

struct firmware {
  std::string id;  // "fw_01J..."
  std::string version;
  std::vector<std::string> models;  // the device models it fits
  std::string description;
  std::string release_notes;
  std::string filename;  // as uploaded, for downloads
  std::string blob_id;
  std::uint64_t size = 0;
  std::string sha256;                    // hex
  std::optional<std::string> signature;  // base64 of the DER ECDSA P-256 signature over the SHA-256
  std::optional<std::string> signed_by;  // the fingerprint of the key it verified against
  std::string uploaded_by;               // user id
  common::millis created_at = 0;
};

}  // namespace mothership::ota
