#pragma once
// Where things live inside the data directory (docs/operations.md describes the layout).
#include <filesystem>
#include <string>
#include <vector>

namespace mothership::server {

struct data_dir {
  std::filesystem::path root;

  std::string database() const { return (root / "mothership.db").string(); }
  std::string telemetry_database() const { return (root / "telemetry.db").string(); }
  std::string signing_key() const { return (root / "keys" / "jwt-signing.pem").string(); }
  // The server's TLS certificate issued by the platform CA, unless mqtt.tls_cert is configured.
  std::string tls_key() const { return (root / "keys" / "tls-server.key").string(); }
  std::string tls_certificate() const { return (root / "pki" / "tls-server.crt").string(); }

  // The platform CA (src/pki) and the key that hashes claim codes (src/registry).
  std::string root_ca_certificate() const { return (root / "pki" / "root-ca.crt").string(); }
  std::string root_ca_key() const { return (root / "keys" / "root-ca.key").string(); }
  std::string issuing_ca_certificate() const { return (root / "pki" / "issuing-ca.crt").string(); }
  std::string issuing_ca_key() const { return (root / "keys" / "issuing-ca.key").string(); }
  // What the TLS listeners accept client certificates from: our CA plus mqtt.tls_client_ca.
  std::string client_ca_bundle() const { return (root / "pki" / "client-ca.pem").string(); }
  std::string claim_code_key() const { return (root / "keys" / "claim-code.key").string(); }
  // Firmware images and reports (src/blob), and the key that signs their download links.
  std::filesystem::path blobs() const { return root / "blobs"; }
  std::string download_link_key() const { return (root / "keys" / "download-link.key").string(); }

  // Makes the directory and its subdirectories (creating them if needed) 0700 and the database
  // with its -wal and -shm 0600, whatever the umask. Returns what was looser and has been
  // tightened (for the caller's one warning). Throws std::runtime_error, having changed
  // nothing, when the directory belongs to another user than this process's.
  std::vector<std::filesystem::path> prepare() const;
};

}  // namespace mothership::server
