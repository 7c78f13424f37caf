#pragma once
// A simulated device's factory identity (serial, claim code) and the key and CSR it makes on
// first boot, kept in files because the TLS client loads certificates and keys from files.
#include <string>

namespace mothership::sim {

struct factory_identity {
  std::string serial;
  std::string claim_code;
};

// A random identity: "<prefix>-<10 hex>" and a 16-character code.
factory_identity new_factory_identity(const std::string& prefix);

struct device_key {
  std::string key_file;  // PEM private key (0600)
  std::string csr_pem;
};

// An EC P-256 key written to `key_file` and a CSR signed with it.
device_key make_device_key(const std::string& key_file);

}  // namespace mothership::sim
