#include "registry/claim_codes.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <filesystem>
#include <stdexcept>

#include "common/encoding.hpp"
#include "pki/key_files.hpp"

namespace mothership::registry {

claim_codes claim_codes::load_or_create(const std::string& key_file) {
  std::array<unsigned char, 32> key{};
  if (!std::filesystem::exists(key_file))
    pki::write_file_with_mode(key_file, common::to_hex(common::random_bytes(key.size())) + "\n", 0600);
  auto text = pki::read_text_file(key_file);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto bytes = common::from_hex(text);
  if (!bytes || bytes->size() != key.size()) throw std::runtime_error(key_file + " is not a 32-byte hex key");
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return claim_codes(key);
}

std::string claim_codes::hash(std::string_view serial, std::string_view code) const {
  std::string message;
  message.reserve(serial.size() + 1 + code.size());
  message.append(serial).push_back('\0');
  message.append(code);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &size);
  return common::to_hex({reinterpret_cast<const char*>(digest), size});
}

bool claim_codes::matches(std::string_view serial, std::string_view code, std::string_view stored_hash) const {
  return common::constant_time_equal(hash(serial, code), stored_hash);
}

}  // namespace mothership::registry
