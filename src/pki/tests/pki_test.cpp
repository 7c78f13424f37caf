#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "pki/certificate_identity.hpp"
#include "pki/self_signed.hpp"

namespace mothership::pki {
namespace {

std::unique_ptr<X509, decltype(&X509_free)> parse(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return {PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free};
}

TEST(self_signed, issues_a_p256_server_certificate_for_its_names) {
  auto issued = issue_self_signed({"localhost", "127.0.0.1"}, 30);
  ASSERT_NE(issued.key_pem.find("BEGIN PRIVATE KEY"), std::string::npos);
  auto cert = parse(issued.certificate_pem);
  ASSERT_TRUE(cert);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "example.com", 0, 0, nullptr), 0);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  EXPECT_EQ(EVP_PKEY_get_bits(key), 256);
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  // It verifies with its own key, and two certificates never share a serial.
  EXPECT_EQ(X509_verify(cert.get(), key), 1);
  auto other = parse(issue_self_signed({"localhost"}, 30).certificate_pem);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(cert.get()), X509_get0_serialNumber(other.get())), 0);
}

TEST(certificate_identity, prefers_the_device_urn_to_the_common_name) {
  auto cert = parse(issue_self_signed({"cn-name", "urn:mothership:device:dev_01ABC"}, 1).certificate_pem);
  EXPECT_EQ(device_id_of(cert.get()), "dev_01ABC");
}

TEST(certificate_identity, falls_back_to_the_common_name) {
  auto cert = parse(issue_self_signed({"dev-42", "urn:example:other"}, 1).certificate_pem);
  EXPECT_EQ(device_id_of(cert.get()), "dev-42");
}

TEST(certificate_identity, refuses_ids_with_topic_syntax_or_odd_characters) {
  for (std::string bad : {"a/b", "+", "#", "dev 1", "dév", ""}) EXPECT_FALSE(is_valid_device_id(bad)) << bad;
  EXPECT_FALSE(is_valid_device_id(std::string(129, 'a')));
  EXPECT_TRUE(is_valid_device_id(std::string(128, 'a')));
  auto cert = parse(issue_self_signed({"x", "urn:mothership:device:a/b"}, 1).certificate_pem);
  EXPECT_EQ(device_id_of(cert.get()), std::nullopt);
}

}  // namespace
}  // namespace mothership::pki
