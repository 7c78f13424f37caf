#include "pki/certificate_builder.hpp"

#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

namespace mothership::pki::detail {

const EVP_MD* digest_for(const EVP_PKEY* signing_key) {
  if (EVP_PKEY_get_id(signing_key) == EVP_PKEY_ED25519) return nullptr;
  if (EVP_PKEY_get_bits(signing_key) == 384) return EVP_sha384();
  return EVP_sha256();
}

std::string subject_alt_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(name, ec);
    if (!out.empty()) out += ",";
    if (name.rfind("urn:", 0) == 0)
      out += "URI:" + name;
    else
      out += (ec ? "DNS:" : "IP:") + name;
  }
  return out;
}

namespace {

// The algorithm parameters of a SubjectPublicKeyInfo (a curve's OID for EC keys, NULL for RSA,
// absent for Ed25519), copied for X509_PUBKEY_set0_param.
void* copy_parameters(int type, const void* value) {
  if (type == V_ASN1_OBJECT) return OBJ_dup(static_cast<const ASN1_OBJECT*>(value));
  if (type == V_ASN1_SEQUENCE || type == V_ASN1_OCTET_STRING)
    return ASN1_STRING_dup(static_cast<const ASN1_STRING*>(value));
  return nullptr;
}

// Puts `from` into the certificate field `to` as encoded: algorithm, parameters, key bits.
void copy_public_key_info(const X509_PUBKEY* from, X509_PUBKEY* to) {
  ASN1_OBJECT* algorithm = nullptr;
  const unsigned char* bits = nullptr;
  int bits_length = 0;
  X509_ALGOR* algor = nullptr;
  check(X509_PUBKEY_get0_param(&algorithm, &bits, &bits_length, &algor, from) == 1, "public key");
  const ASN1_OBJECT* ignored = nullptr;
  int parameter_type = V_ASN1_UNDEF;
  const void* parameters = nullptr;
  X509_ALGOR_get0(&ignored, &parameter_type, &parameters, algor);
  auto* bits_copy = static_cast<unsigned char*>(OPENSSL_memdup(bits, static_cast<std::size_t>(bits_length)));
  ASN1_OBJECT* algorithm_copy = OBJ_dup(algorithm);
  void* parameters_copy = copy_parameters(parameter_type, parameters);
  if (bits_copy && algorithm_copy &&
      X509_PUBKEY_set0_param(to, algorithm_copy, parameter_type, parameters_copy, bits_copy, bits_length) == 1)
    return;
  OPENSSL_free(bits_copy);
  ASN1_OBJECT_free(algorithm_copy);
  check(false, "public key");
}

}  // namespace

owned_x509 sign_certificate(const certificate_plan& plan, const X509* issuer, EVP_PKEY* issuer_key) {
  owned_x509 cert(X509_new());
  check(cert && X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_new");

  // 128 random bits; the top bit cleared so the DER integer stays positive and 16 bytes.
  unsigned char serial_bytes[16];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes) == 1, "random serial");
  serial_bytes[0] &= 0x7f;
  serial_bytes[0] |= 0x01 << 6;  // never a leading zero byte, so the hex form has a fixed length
  owned<BIGNUM, BN_free> serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  check(serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())), "serial");

  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -plan.backdate_seconds) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), plan.valid_seconds) != nullptr, "notAfter");

  X509_NAME* subject = X509_get_subject_name(cert.get());
  for (const auto& [field, value] : plan.subject)
    check(X509_NAME_add_entry_by_txt(subject, field.c_str(), MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) == 1,
          "subject");
  check(X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject) == 1, "issuer");
  if (plan.subject_public_key_info)
    copy_public_key_info(plan.subject_public_key_info, X509_get_X509_PUBKEY(cert.get()));
  else
    check(X509_set_pubkey(cert.get(), plan.subject_key) == 1, "public key");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? const_cast<X509*>(issuer) : cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : plan.extensions) {
    owned<X509_EXTENSION, X509_EXTENSION_free> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    check(ext && X509_add_ext(cert.get(), ext.get(), -1) == 1, "extension");
  }
  check(X509_sign(cert.get(), issuer_key, digest_for(issuer_key)) > 0, "signing");
  return cert;
}

}  // namespace mothership::pki::detail
