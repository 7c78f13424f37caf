#include "pki/self_signed.hpp"

#include <openssl/x509v3.h>

#include <filesystem>

#include "pki/certificate_builder.hpp"
#include "pki/key_files.hpp"

namespace mothership::pki {

key_and_certificate issue_self_signed(const std::vector<std::string>& names, int valid_days) {
  detail::check(!names.empty(), "a name");
  detail::owned_key key(EVP_EC_gen("P-256"));
  detail::check(key != nullptr, "key generation");
  detail::certificate_plan plan{key.get(),
                                {{"O", "Mothership (self-issued)"}, {"CN", names.front()}},
                                {{NID_subject_alt_name, detail::subject_alt_names(names)},
                                 {NID_basic_constraints, "critical,CA:FALSE"},
                                 {NID_key_usage, "critical,digitalSignature"},
                                 {NID_ext_key_usage, "serverAuth"}},
                                static_cast<long>(valid_days) * 24 * 60 * 60,
                                60 * 60};
  auto cert = detail::sign_certificate(plan, nullptr, key.get());
  return {detail::pem_of_private_key(key.get()), detail::pem_of(cert.get())};
}

bool write_self_signed_if_missing(const std::string& key_file, const std::string& certificate_file,
                                  const std::vector<std::string>& names, int valid_days) {
  if (std::filesystem::exists(certificate_file) && std::filesystem::exists(key_file)) return false;
  auto issued = issue_self_signed(names, valid_days);
  write_file_with_mode(key_file, issued.key_pem, 0600);  // the key first: a certificate without it is useless
  write_file_with_mode(certificate_file, issued.certificate_pem, 0644);
  return true;
}

}  // namespace mothership::pki
