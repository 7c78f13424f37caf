#pragma once
// Where things live inside the data directory (docs/operations.md describes the layout).
#include <filesystem>
#include <string>

namespace mothership::server {

struct data_dir {
  std::filesystem::path root;

  std::string database() const { return (root / "mothership.db").string(); }
  std::string signing_key() const { return (root / "keys" / "jwt-signing.pem").string(); }
  // The self-issued TLS server certificate, until one is configured or the CA issues it.
  std::string tls_key() const { return (root / "keys" / "tls-server.key").string(); }
  std::string tls_certificate() const { return (root / "pki" / "tls-server.crt").string(); }

  // Creates the directory (0700) if needed.
  void prepare() const;
};

}  // namespace mothership::server
