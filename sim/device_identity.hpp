#pragma once
// A simulated device's factory identity (serial, claim code) and the key and CSR it makes on
// first boot. The key is written to a file (0600), as a device keeps it, and also held in
// memory, so that the simulator's TLS contexts need not read thousands of files back.
#include <openssl/evp.h>

#include <memory>
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
  std::shared_ptr<EVP_PKEY> key;
};

// An EC P-256 key written to `key_file` and a CSR signed with it.
device_key make_device_key(const std::string& key_file);

}  // namespace mothership::sim
