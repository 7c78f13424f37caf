#include "pki/certificate_authority.hpp"

#include <openssl/x509v3.h>

#include <filesystem>

#include "pki/certificate_builder.hpp"
#include "pki/csr_key.hpp"
#include "pki/key_files.hpp"

namespace mothership::pki {

using namespace detail;

namespace {

constexpr long day_s = 24 * 60 * 60;
constexpr long root_valid_s = 20 * 365 * day_s;
constexpr long issuing_valid_s = 10 * 365 * day_s;

owned_key new_p256_key() {
  owned_key key(EVP_EC_gen("P-256"));
  check(key != nullptr, "key generation");
  return key;
}

bool is_ca(X509* cert) {
  return X509_check_ca(cert) != 0;
}

}  // namespace

struct certificate_authority::parts {
  owned_x509 issuing;
  owned_key issuing_key;
  std::vector<owned_x509> above;  // the issuing CA's chain up to the root
};

certificate_authority::certificate_authority(std::unique_ptr<parts> p) : p_(std::move(p)) {}
certificate_authority::certificate_authority(certificate_authority&&) noexcept = default;
certificate_authority& certificate_authority::operator=(certificate_authority&&) noexcept = default;
certificate_authority::~certificate_authority() = default;

certificate_authority certificate_authority::load_or_create(const ca_files& files, const std::string& organization) {
  namespace fs = std::filesystem;
  if (!fs::exists(files.issuing_certificate) || !fs::exists(files.issuing_key)) {
    auto root_key = new_p256_key();
    certificate_plan root_plan{root_key.get(),
                               {{"O", organization}, {"CN", organization + " Root CA"}},
                               {{NID_basic_constraints, "critical,CA:TRUE"},
                                {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                {NID_subject_key_identifier, "hash"}},
                               root_valid_s};
    auto root = sign_certificate(root_plan, nullptr, root_key.get());

    auto issuing_key = new_p256_key();
    certificate_plan issuing_plan{issuing_key.get(),
                                  {{"O", organization}, {"CN", organization + " Issuing CA"}},
                                  {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                                   {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                   {NID_subject_key_identifier, "hash"},
                                   {NID_authority_key_identifier, "keyid:always"}},
                                  issuing_valid_s};
    auto issuing = sign_certificate(issuing_plan, root.get(), root_key.get());

    // Keys first: a certificate on disk without its key would stop the next start.
    write_file_with_mode(files.root_key, pem_of_private_key(root_key.get()), 0600);
    write_file_with_mode(files.issuing_key, pem_of_private_key(issuing_key.get()), 0600);
    write_file_with_mode(files.root_certificate, pem_of(root.get()), 0644);
    write_file_with_mode(files.issuing_certificate, pem_of(issuing.get()), 0644);
  }
  std::string chain = read_text_file(files.issuing_certificate);
  if (fs::exists(files.root_certificate)) chain += read_text_file(files.root_certificate);
  return import(chain, read_text_file(files.issuing_key));
}

certificate_authority certificate_authority::import(const std::string& chain_pem, const std::string& key_pem) {
  auto p = std::make_unique<parts>();
  auto chain = certificates_in(chain_pem);
  p->issuing = std::move(chain.front());
  for (std::size_t i = 1; i < chain.size(); ++i) p->above.push_back(std::move(chain[i]));
  p->issuing_key = private_key_in(key_pem);
  if (!is_ca(p->issuing.get())) throw pki_error("pki: the issuing certificate is not a CA certificate");
  if (X509_check_private_key(p->issuing.get(), p->issuing_key.get()) != 1)
    throw pki_error("pki: the issuing CA's key does not match its certificate");
  return certificate_authority(std::move(p));
}

issued_certificate certificate_authority::issue_device(const checked_csr& csr, const std::string& device_id,
                                                       int valid_days) const {
  certificate_plan plan{nullptr,
                        {{"CN", device_id}},
                        {{NID_basic_constraints, "critical,CA:FALSE"},
                         {NID_key_usage, "critical,digitalSignature"},
                         {NID_ext_key_usage, "clientAuth"},
                         {NID_subject_alt_name, "URI:urn:mothership:device:" + device_id},
                         {NID_subject_key_identifier, "hash"},
                         {NID_authority_key_identifier, "keyid:always"}},
                        static_cast<long>(valid_days) * day_s};
  plan.subject_public_key_info = csr.public_key().public_key_info();
  auto cert = sign_certificate(plan, p_->issuing.get(), p_->issuing_key.get());
  return {pem_of(cert.get()), serial_hex(cert.get()), sha256_fingerprint(cert.get()),
          millis_of(X509_get0_notBefore(cert.get())), millis_of(X509_get0_notAfter(cert.get()))};
}

server_certificate certificate_authority::issue_server(const std::vector<std::string>& names, int valid_days) const {
  check(!names.empty(), "a server name");
  auto key = new_p256_key();
  certificate_plan plan{key.get(),
                        {{"CN", names.front()}},
                        {{NID_basic_constraints, "critical,CA:FALSE"},
                         {NID_key_usage, "critical,digitalSignature"},
                         {NID_ext_key_usage, "serverAuth"},
                         {NID_subject_alt_name, subject_alt_names(names)},
                         {NID_subject_key_identifier, "hash"},
                         {NID_authority_key_identifier, "keyid:always"}},
                        static_cast<long>(valid_days) * day_s};
  auto cert = sign_certificate(plan, p_->issuing.get(), p_->issuing_key.get());
  return {pem_of_private_key(key.get()), pem_of(cert.get()) + pem_of(p_->issuing.get())};
}

std::string certificate_authority::bundle_pem() const {
  std::string out = pem_of(p_->issuing.get());
  for (const auto& cert : p_->above) out += pem_of(cert.get());
  return out;
}

std::string certificate_authority::issuing_pem() const {
  return pem_of(p_->issuing.get());
}

std::string certificate_authority::revocation_list_der(const std::vector<revoked_serial>& revoked,
                                                       std::int64_t crl_number, long next_update_s) const {
  owned<X509_CRL, X509_CRL_free> crl(X509_CRL_new());
  check(crl && X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) == 1, "CRL");
  check(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(p_->issuing.get())) == 1, "CRL issuer");
  owned<ASN1_TIME, ASN1_TIME_free> now(X509_gmtime_adj(nullptr, 0));
  owned<ASN1_TIME, ASN1_TIME_free> next(X509_gmtime_adj(nullptr, next_update_s));
  check(now && next && X509_CRL_set1_lastUpdate(crl.get(), now.get()) == 1 &&
            X509_CRL_set1_nextUpdate(crl.get(), next.get()) == 1,
        "CRL times");
  for (const auto& entry : revoked) {
    owned<X509_REVOKED, X509_REVOKED_free> r(X509_REVOKED_new());
    BIGNUM* raw = nullptr;
    check(BN_hex2bn(&raw, entry.serial.c_str()) > 0, "CRL serial");
    owned<BIGNUM, BN_free> bn(raw);
    owned<ASN1_INTEGER, ASN1_INTEGER_free> serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    owned<ASN1_TIME, ASN1_TIME_free> when(ASN1_TIME_set(nullptr, static_cast<time_t>(entry.revoked_at_ms / 1000)));
    check(r && serial && when && X509_REVOKED_set_serialNumber(r.get(), serial.get()) == 1 &&
              X509_REVOKED_set_revocationDate(r.get(), when.get()) == 1 &&
              X509_CRL_add0_revoked(crl.get(), r.get()) == 1,
          "CRL entry");
    r.release();  // the CRL owns it now
  }
  owned<ASN1_INTEGER, ASN1_INTEGER_free> number(ASN1_INTEGER_new());
  check(number && ASN1_INTEGER_set_int64(number.get(), crl_number) == 1 &&
            X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) == 1,
        "CRL number");
  X509_CRL_sort(crl.get());
  check(X509_CRL_sign(crl.get(), p_->issuing_key.get(), digest_for(p_->issuing_key.get())) > 0, "CRL signature");
  unsigned char* der = nullptr;
  int size = i2d_X509_CRL(crl.get(), &der);
  check(size > 0, "CRL encoding");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

bool certificate_authority::issued(const void* x509) const {
  auto* cert = static_cast<X509*>(const_cast<void*>(x509));
  if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(p_->issuing.get())) != 0) return false;
  return X509_verify(cert, X509_get0_pubkey(p_->issuing.get())) == 1;
}

bool certificate_authority::issued_verified(const void* x509, const void* verified_issuer) const {
  if (!verified_issuer) return issued(x509);
  return X509_cmp(static_cast<const X509*>(verified_issuer), p_->issuing.get()) == 0;
}

}  // namespace mothership::pki
