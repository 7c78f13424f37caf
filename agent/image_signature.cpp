#include "image_signature.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <memory>

namespace mothership::agent {

namespace {

std::optional<std::string> from_hex(const std::string& hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    if (std::sscanf(hex.c_str() + i, "%2x", &value) != 1) return std::nullopt;
    out.push_back(static_cast<char>(value));
  }
  return out;
}

std::optional<std::string> from_base64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;  // decoded as zero bytes
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

}  // namespace

std::optional<std::string> check_image_signature(const std::string& public_key_file, const std::string& sha256_hex,
                                                 const std::string& signature_base64) {
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(public_key_file.c_str(), "r"), std::fclose);
  if (!file) return "cannot read the release key " + public_key_file;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_PUBKEY(file.get(), nullptr, nullptr, nullptr),
                                                          EVP_PKEY_free);
  if (!key) return "the release key " + public_key_file + " is not a PEM public key";
  auto digest = from_hex(sha256_hex);
  auto signature = from_base64(signature_base64);
  if (!digest || digest->size() != 32) return "the SHA-256 is not 64 hex digits";
  if (!signature) return "the signature is not base64";
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key.get(), nullptr),
                                                                  EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1)
    return "the release key cannot verify signatures";
  if (EVP_PKEY_verify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                      reinterpret_cast<const unsigned char*>(digest->data()), digest->size()) != 1)
    return "the signature does not verify under the release key";
  return std::nullopt;
}

}  // namespace mothership::agent
