#include "pki/server_certificate.hpp"

#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <filesystem>

#include "common/clock.hpp"
#include "pki/key_files.hpp"
#include "pki/openssl_handles.hpp"

namespace mothership::pki {

namespace {

bool names_match(X509* cert, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    boost::system::error_code ec;
    boost::asio::ip::make_address(name, ec);
    bool ok = ec ? X509_check_host(cert, name.c_str(), name.size(), 0, nullptr) == 1
                 : X509_check_ip_asc(cert, name.c_str(), 0) == 1;
    if (!ok) return false;
  }
  return true;
}

bool still_good(const certificate_authority& ca, const std::string& key_file, const std::string& chain_file,
                const std::vector<std::string>& names) {
  namespace fs = std::filesystem;
  if (!fs::exists(key_file) || !fs::exists(chain_file)) return false;
  try {
    auto chain = detail::certificates_in(read_text_file(chain_file));
    auto key = detail::private_key_in(read_text_file(key_file));
    X509* leaf = chain.front().get();
    if (!ca.issued(leaf) || X509_check_private_key(leaf, key.get()) != 1 || !names_match(leaf, names)) return false;
    auto from = detail::millis_of(X509_get0_notBefore(leaf));
    auto until = detail::millis_of(X509_get0_notAfter(leaf));
    return common::now_ms() < until - (until - from) / 3;
  } catch (const std::exception&) {
    return false;  // unreadable: issue a new one
  }
}

}  // namespace

bool ensure_server_certificate(const certificate_authority& ca, const std::string& key_file,
                               const std::string& chain_file, const std::vector<std::string>& names, int valid_days) {
  if (still_good(ca, key_file, chain_file, names)) return false;
  auto issued = ca.issue_server(names, valid_days);
  write_file_with_mode(key_file, issued.key_pem, 0600);
  write_file_with_mode(chain_file, issued.chain_pem, 0644);
  return true;
}

}  // namespace mothership::pki
