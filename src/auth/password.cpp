#include "auth/password.hpp"

#include <sodium.h>

#include <stdexcept>

#include "common/encoding.hpp"

namespace mothership::auth {

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("argon2id hashing failed (out of memory)");
  return out;
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  std::string terminated(stored_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void verify_against_dummy(std::string_view password) {
  static const std::string dummy = hash_password(common::random_token(18));
  (void)verify_password(dummy, password);
}

}  // namespace mothership::auth
