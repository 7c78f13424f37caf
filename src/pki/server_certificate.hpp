#pragma once
// The server's own TLS certificate, issued by the platform CA into the data directory and
// issued again at start when it is missing, from another CA, missing one of the configured
// names, or past two thirds of its life.
#include <string>
#include <vector>

#include "pki/certificate_authority.hpp"

namespace mothership::pki {

// Returns true when it issued a new certificate.
bool ensure_server_certificate(const certificate_authority& ca, const std::string& key_file,
                               const std::string& chain_file, const std::vector<std::string>& names, int valid_days);

}  // namespace mothership::pki
