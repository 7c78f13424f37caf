#pragma once
// What the agent keeps in its state directory, and how it changes it without ever leaving a
// half-written file behind: every file is written to a temporary name, synced, then renamed.
//
//   device.key    the private key (PKCS#8 PEM, mode 0600, created with that mode)
//   device.crt    the device certificate followed by the issuing CA (what TLS presents)
//   ca.pem        the CA bundle the server sent with the certificate (trusted from then on)
//   device.json   {"device_id", "mqtt_endpoint"}: written last, so it marks a finished onboarding
//   renewed.key, renewed.crt   a renewal in flight; renewed.crt marks the pair as complete
//   boot.json, slots/, downloads/, reports.json   firmware updates (boot_slots.hpp, report_outbox.hpp)
//
// I/O failures (disk full, read-only directory) throw std::runtime_error: the agent cannot work
// without its state.

#include <optional>
#include <string>

#include "credentials.hpp"

namespace mothership::agent {

struct identity {
  std::string device_id;
  std::string mqtt_endpoint;
};

class state_store {
 public:
  explicit state_store(std::string dir);

  // Creates the directory (0700) when missing and completes a renewal a crash interrupted.
  void open();

  // The key for onboarding: the stored one, or a new one stored first (a restart during
  // onboarding sends the same key again, and gets the certificate the server already made).
  private_key onboarding_key(bool* created);
  // The stored private key; null if there is none or it cannot be read.
  private_key current_key() const;
  std::optional<std::string> current_certificate() const;

  // Set once onboarding finished.
  std::optional<identity> load_identity() const;

  void save_onboarding(const identity& id, const std::string& certificate, const std::string& chain,
                       const std::string& ca_bundle);
  // Replaces key and certificate together.
  void save_renewal(EVP_PKEY& key, const std::string& certificate, const std::string& chain);

  std::string key_path() const { return dir_ + "/device.key"; }
  std::string certificate_path() const { return dir_ + "/device.crt"; }
  std::string ca_path() const { return dir_ + "/ca.pem"; }
  const std::string& dir() const { return dir_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  // Other state (the firmware slots, the reports not yet acknowledged) is kept the same way.
  void write_atomically(const std::string& name, const std::string& content, unsigned mode = 0644) const;
  void remove(const std::string& name) const;

 private:
  void rename_in_dir(const char* from, const char* to) const;
  void sync_dir() const;

  std::string dir_;
};

// Whole file, or nullopt when it does not exist. Throws on other read errors.
std::optional<std::string> read_file(const std::string& path);

}  // namespace mothership::agent
