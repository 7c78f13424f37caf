#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "pki/certificate_authority.hpp"
#include "pki/certificate_identity.hpp"
#include "pki/csr.hpp"
#include "pki/openssl_handles.hpp"

namespace mothership::pki {
namespace {

using namespace detail;

std::string csr_pem(EVP_PKEY* key, const std::string& cn, bool corrupt_signature = false) {
  owned<X509_REQ, X509_REQ_free> req(X509_REQ_new());
  X509_REQ_set_version(req.get(), 0);
  X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_REQ_set_pubkey(req.get(), key);
  bool ed = EVP_PKEY_get_id(key) == EVP_PKEY_ED25519;
  X509_REQ_sign(req.get(), key, ed ? nullptr : EVP_sha256());
  if (corrupt_signature) {
    const ASN1_BIT_STRING* sig = nullptr;
    X509_REQ_get0_signature(req.get(), &sig, nullptr);
    const_cast<ASN1_BIT_STRING*>(sig)->data[10] ^= 0x55;
  }
  owned_bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  return text_of(bio.get());
}

owned_key ec_key(const char* curve) {
  return owned_key(EVP_EC_gen(curve));
}
owned_key rsa_key(unsigned bits) {
  return owned_key(EVP_RSA_gen(bits));
}

class certificate_authority_test : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("ms-ca-" + std::to_string(::getpid()) + "-" +
                                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  ca_files files() const {
    return {(dir_ / "root.crt").string(), (dir_ / "root.key").string(), (dir_ / "issuing.crt").string(),
            (dir_ / "issuing.key").string()};
  }
  std::filesystem::path dir_;
};

// Verifies `leaf_pem` against the CA bundle the way a TLS peer would, for `purpose`.
int verify(const std::string& bundle, const std::string& leaf_pem, int purpose) {
  owned<X509_STORE, X509_STORE_free> store(X509_STORE_new());
  for (auto& c : certificates_in(bundle)) X509_STORE_add_cert(store.get(), c.get());
  auto leaf = certificates_in(leaf_pem);
  owned<X509_STORE_CTX, X509_STORE_CTX_free> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf.front().get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  return X509_verify_cert(ctx.get());
}

TEST_F(certificate_authority_test, creates_a_root_and_issuing_ca_once_with_private_keys) {
  auto first = certificate_authority::load_or_create(files(), "Test");
  struct stat st {};
  ASSERT_EQ(::stat(files().issuing_key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  ASSERT_EQ(::stat(files().root_key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto again = certificate_authority::load_or_create(files(), "Test");
  EXPECT_EQ(first.bundle_pem(), again.bundle_pem());
  EXPECT_EQ(certificates_in(first.bundle_pem()).size(), 2u);
}

TEST_F(certificate_authority_test, signs_a_device_certificate_that_names_the_device_not_what_the_csr_asked) {
  auto ca = certificate_authority::load_or_create(files(), "Test");
  auto key = ec_key("P-256");
  auto checked = check_csr(csr_pem(key.get(), "admin-please"));
  ASSERT_TRUE(checked) << checked.refusal;
  EXPECT_EQ(checked.csr->key_description(), "EC P-256");
  auto issued = ca.issue_device(*checked.csr, "dev_01ABC", 365);
  EXPECT_EQ(verify(ca.bundle_pem(), issued.certificate_pem, X509_PURPOSE_SSL_CLIENT), 1);
  EXPECT_EQ(verify(ca.bundle_pem(), issued.certificate_pem, X509_PURPOSE_SSL_SERVER), 0);
  auto cert = certificates_in(issued.certificate_pem);
  EXPECT_EQ(device_id_of(cert.front().get()), "dev_01ABC");
  EXPECT_EQ(X509_check_private_key(cert.front().get(), key.get()), 1);
  EXPECT_EQ(issued.serial.size(), 32u);
  EXPECT_EQ(issued.sha256.size(), 64u);
  EXPECT_NEAR(static_cast<double>(issued.not_after_ms - issued.not_before_ms), 365.0 * 86400e3 + 300e3, 2e3);
  EXPECT_TRUE(ca.issued(cert.front().get()));
  EXPECT_EQ(issued.certificate_pem.find("admin-please"), std::string::npos);
}

TEST_F(certificate_authority_test, two_certificates_never_share_a_serial) {
  auto ca = certificate_authority::load_or_create(files(), "Test");
  auto key = ec_key("P-256");
  auto checked = check_csr(csr_pem(key.get(), "x"));
  ASSERT_TRUE(checked);
  EXPECT_NE(ca.issue_device(*checked.csr, "a", 1).serial, ca.issue_device(*checked.csr, "a", 1).serial);
}

TEST_F(certificate_authority_test, accepts_strong_keys_and_refuses_weak_ones_with_a_reason) {
  EXPECT_TRUE(check_csr(csr_pem(ec_key("P-384").get(), "x")));
  owned_key ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  auto ed_check = check_csr(csr_pem(ed.get(), "x"));
  ASSERT_TRUE(ed_check) << ed_check.refusal;
  EXPECT_EQ(ed_check.csr->key_description(), "Ed25519");
  EXPECT_TRUE(check_csr(csr_pem(rsa_key(2048).get(), "x")));

  auto weak = check_csr(csr_pem(rsa_key(1024).get(), "x"));
  EXPECT_FALSE(weak);
  EXPECT_NE(weak.refusal.find("1024"), std::string::npos) << weak.refusal;
  auto odd_curve = check_csr(csr_pem(ec_key("secp256k1").get(), "x"));
  EXPECT_FALSE(odd_curve);
  EXPECT_NE(odd_curve.refusal.find("secp256k1"), std::string::npos) << odd_curve.refusal;
}

TEST_F(certificate_authority_test, refuses_a_csr_whose_signature_does_not_verify_or_that_is_not_a_csr) {
  auto forged = check_csr(csr_pem(ec_key("P-256").get(), "x", true));
  EXPECT_FALSE(forged);
  EXPECT_NE(forged.refusal.find("signature"), std::string::npos) << forged.refusal;
  EXPECT_FALSE(check_csr("hello"));
  EXPECT_FALSE(check_csr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"));
}

TEST_F(certificate_authority_test, issues_a_server_certificate_that_verifies_for_its_names) {
  auto ca = certificate_authority::load_or_create(files(), "Test");
  auto server = ca.issue_server({"localhost", "127.0.0.1"}, 90);
  EXPECT_EQ(verify(ca.bundle_pem(), server.chain_pem, X509_PURPOSE_SSL_SERVER), 1);
  auto leaf = certificates_in(server.chain_pem);
  ASSERT_EQ(leaf.size(), 2u);
  EXPECT_EQ(X509_check_host(leaf.front().get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(leaf.front().get(), "127.0.0.1", 0), 1);
  EXPECT_FALSE(device_id_of(leaf.back().get()));  // the CA names no device
}

TEST_F(certificate_authority_test, revocation_list_names_the_revoked_serials_and_verifies) {
  auto ca = certificate_authority::load_or_create(files(), "Test");
  auto checked = check_csr(csr_pem(ec_key("P-256").get(), "x"));
  auto issued = ca.issue_device(*checked.csr, "d1", 30);
  std::string der = ca.revocation_list_der({{issued.serial, 1'700'000'000'000}}, 7, 3600);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  owned<X509_CRL, X509_CRL_free> crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(der.size())));
  ASSERT_TRUE(crl);
  auto issuing = certificates_in(ca.issuing_pem());
  EXPECT_EQ(X509_CRL_verify(crl.get(), X509_get0_pubkey(issuing.front().get())), 1);
  auto cert = certificates_in(issued.certificate_pem);
  X509_REVOKED* entry = nullptr;
  EXPECT_EQ(X509_CRL_get0_by_cert(crl.get(), &entry, cert.front().get()), 1);
}

TEST_F(certificate_authority_test, imports_an_existing_ca_and_refuses_a_key_that_does_not_match) {
  auto original = certificate_authority::load_or_create(files(), "Test");
  std::string chain = original.bundle_pem();
  std::string key = pem_of_private_key(private_key_in([&] {
                                         std::ifstream in(files().issuing_key);
                                         return std::string(std::istreambuf_iterator<char>(in), {});
                                       }())
                                           .get());
  auto imported = certificate_authority::import(chain, key);
  EXPECT_EQ(imported.bundle_pem(), chain);
  EXPECT_THROW(certificate_authority::import(chain, pem_of_private_key(ec_key("P-256").get())), pki_error);
}

TEST_F(certificate_authority_test, a_certificate_from_another_ca_is_not_ours) {
  auto ours = certificate_authority::load_or_create(files(), "Ours");
  std::filesystem::create_directories(dir_ / "other");
  ca_files other_files{(dir_ / "other/r.crt").string(), (dir_ / "other/r.key").string(),
                       (dir_ / "other/i.crt").string(), (dir_ / "other/i.key").string()};
  auto other = certificate_authority::load_or_create(other_files, "Ours");  // same names, other keys
  auto checked = check_csr(csr_pem(ec_key("P-256").get(), "x"));
  auto foreign = certificates_in(other.issue_device(*checked.csr, "d1", 30).certificate_pem);
  EXPECT_FALSE(ours.issued(foreign.front().get()));
  // After a handshake verified the chain, the issuer it found decides (no signature check).
  auto our_issuer = certificates_in(ours.issuing_pem());
  auto their_issuer = certificates_in(other.issuing_pem());
  EXPECT_FALSE(ours.issued_verified(foreign.front().get(), their_issuer.front().get()));
  EXPECT_TRUE(other.issued_verified(foreign.front().get(), their_issuer.front().get()));
  EXPECT_FALSE(ours.issued_verified(foreign.front().get(), nullptr));  // unknown chain: the signature decides
  EXPECT_TRUE(other.issued_verified(foreign.front().get(), nullptr));
  EXPECT_FALSE(other.issued_verified(foreign.front().get(), our_issuer.front().get()));
}

}  // namespace
}  // namespace mothership::pki
