#include "auth/signing_key.hpp"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "common/encoding.hpp"

namespace mothership::auth {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("signing key: " + what);
}

struct md_ctx_free {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using md_ctx = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

struct ecdsa_sig_free {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

std::string pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)) {
    BIO_free(bio);
    fail("cannot encode key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return out;
}

}  // namespace

void signing_key::pkey_free::operator()(EVP_PKEY* k) const {
  EVP_PKEY_free(k);
}

signing_key::signing_key(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {
  unsigned char point[65];
  size_t len = 0;
  if (!EVP_PKEY_get_octet_string_param(key_.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len) || len != 65 ||
      point[0] != 0x04)
    fail("not an uncompressed P-256 public key");
  x_ = common::base64url_encode(std::string_view(reinterpret_cast<char*>(point + 1), 32));
  y_ = common::base64url_encode(std::string_view(reinterpret_cast<char*>(point + 33), 32));
  // RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace.
  std::string thumbprint_input = R"({"crv":"P-256","kty":"EC","x":")" + x_ + R"(","y":")" + y_ + R"("})";
  kid_ = common::base64url_encode(common::sha256(thumbprint_input));
}

signing_key signing_key::generate() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) fail("generation failed");
  return signing_key(std::shared_ptr<EVP_PKEY>(key, pkey_free{}));
}

signing_key signing_key::load_or_create(const std::string& pem_path) {
  namespace fs = std::filesystem;
  if (!fs::exists(pem_path)) {
    signing_key fresh = generate();
    std::string pem = pem_of(fresh.key_.get());
    fs::create_directories(fs::path(pem_path).parent_path());
    // Created 0600 from the start (O_EXCL), never world-readable even for a moment.
    int fd = ::open(pem_path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) fail("cannot create " + pem_path);
    bool ok = ::write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) fail("cannot write " + pem_path);
    return fresh;
  }
  FILE* f = std::fopen(pem_path.c_str(), "r");
  if (!f) fail("cannot read " + pem_path);
  EVP_PKEY* key = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (!key) fail(pem_path + " is not a PEM private key");
  std::shared_ptr<EVP_PKEY> owned(key, pkey_free{});
  char group[32] = {0};
  size_t glen = 0;
  if (!EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) ||
      std::string_view(group) != "prime256v1")
    fail(pem_path + " is not a P-256 key");
  return signing_key(std::move(owned));
}

std::string signing_key::sign(std::string_view data) const {
  md_ctx ctx(EVP_MD_CTX_new());
  size_t der_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1)
    fail("sign init failed");
  std::string der(der_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &der_len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
    fail("sign failed");
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, ecdsa_sig_free> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
  if (!sig) fail("bad DER signature");
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  return raw;
}

bool signing_key::verify(std::string_view data, std::string_view raw_signature) const {
  if (raw_signature.size() != 64) return false;
  std::unique_ptr<ECDSA_SIG, ecdsa_sig_free> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw_signature.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw_signature.data()) + 32, 32, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) return false;
  md_ctx ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_len),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  OPENSSL_free(der);
  return ok;
}

boost::json::object signing_key::public_jwk() const {
  return {{"kty", "EC"}, {"crv", "P-256"}, {"x", x_}, {"y", y_}, {"kid", kid_}, {"alg", "ES256"}, {"use", "sig"}};
}

}  // namespace mothership::auth
