#pragma once
// Claim codes are kept as HMAC-SHA256(server claim key, serial || 0x00 || code), never in plain
// text. A keyed hash rather than argon2id: checking a code costs microseconds, so a device's
// CONNECT can be checked without a worker thread, and the codes still cannot be guessed from
// a stolen database without the key file. Binding the serial into the hash stops a record's
// hash from being copied onto another serial.
#include <array>
#include <string>
#include <string_view>

namespace mothership::registry {

class claim_codes {
 public:
  // Reads the 32-byte key from `key_file`, creating it (0600) with random bytes if missing.
  static claim_codes load_or_create(const std::string& key_file);
  explicit claim_codes(std::array<unsigned char, 32> key) : key_(key) {}

  std::string hash(std::string_view serial, std::string_view code) const;  // lower-case hex
  // Constant-time comparison of the code's hash with the stored one.
  bool matches(std::string_view serial, std::string_view code, std::string_view stored_hash) const;

 private:
  std::array<unsigned char, 32> key_;
};

}  // namespace mothership::registry
