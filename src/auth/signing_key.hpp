#pragma once
// The server's ES256 (ECDSA P-256 + SHA-256) key for access tokens. Generated at first start,
// stored as PEM with mode 0600 in the data dir, and loaded on every later start.
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

typedef struct evp_pkey_st EVP_PKEY;

namespace mothership::auth {

class signing_key {
 public:
  static signing_key load_or_create(const std::string& pem_path);
  static signing_key generate();  // in memory only (tests)

  // JWS signature: raw r || s, 64 bytes (RFC 7518 §3.4), not DER.
  std::string sign(std::string_view data) const;
  bool verify(std::string_view data, std::string_view raw_signature) const;

  const std::string& kid() const { return kid_; }  // RFC 7638 thumbprint, base64url
  boost::json::object public_jwk() const;

 private:
  struct pkey_free {
    void operator()(EVP_PKEY* k) const;
  };
  explicit signing_key(std::shared_ptr<EVP_PKEY> key);

  std::shared_ptr<EVP_PKEY> key_;
  std::string x_, y_;  // base64url public coordinates
  std::string kid_;
};

}  // namespace mothership::auth
