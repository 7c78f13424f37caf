#pragma once
// A self-signed TLS server certificate (ECDSA P-256) without the platform CA: for tests that
// need a server certificate and nothing else. The server's own comes from the CA
// (server_certificate.hpp).
#include <string>
#include <vector>

namespace mothership::pki {

struct key_and_certificate {
  std::string key_pem;  // PKCS#8
  std::string certificate_pem;
};

// `names` become subjectAltNames: IP addresses as iPAddress, "urn:..." as URI, everything
// else as dNSName.
// The first name is also the subject CN.
key_and_certificate issue_self_signed(const std::vector<std::string>& names, int valid_days);

// Issues one into the two files unless the certificate file exists. The key file is created
// 0600 and never readable by others, even for a moment. Returns true when it issued.
bool write_self_signed_if_missing(const std::string& key_file, const std::string& certificate_file,
                                  const std::vector<std::string>& names, int valid_days);

}  // namespace mothership::pki
