#include "registry/claim_codes.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/encoding.hpp"
#include "common/secret_file.hpp"

namespace mothership::registry {

claim_codes claim_codes::load_or_create(const std::string& key_file) {
  return claim_codes(common::load_or_create_key(key_file));
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
