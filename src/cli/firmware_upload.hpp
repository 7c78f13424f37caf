#pragma once
// `mothership firmware upload FILE --model M --version V [--signature F]`: streams the image to
// POST /api/v1/firmware with a progress bar and checks that the SHA-256 the server computed is
// the one of the file on disk.
#include <string>
#include <vector>

#include "cli/api_connection.hpp"

namespace mothership::cli {

struct firmware_upload_options {
  std::string file;
  std::string version;
  std::vector<std::string> models;
  std::string description;
  std::string release_notes_file;  // Markdown; empty = none
  std::string signature_file;      // DER (as openssl dgst -sign writes it) or its base64; empty = unsigned
};

// 0 when stored, 1 when refused, 2 for a local problem (file, arguments).
int firmware_upload(const api_connection& api, const firmware_upload_options& options);

}  // namespace mothership::cli
