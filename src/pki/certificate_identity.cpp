#include "pki/certificate_identity.hpp"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace mothership::pki {

namespace {

constexpr std::string_view device_urn = "urn:mothership:device:";

std::string_view text_of(const ASN1_STRING* s) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s))};
}

std::optional<std::string> from_san_uri(const X509* cert) {
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return std::nullopt;
  std::unique_ptr<GENERAL_NAMES, void (*)(GENERAL_NAMES*)> owned(names, GENERAL_NAMES_free);
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    auto uri = text_of(name->d.uniformResourceIdentifier);
    if (uri.substr(0, device_urn.size()) == device_urn) return std::string(uri.substr(device_urn.size()));
  }
  return std::nullopt;
}

std::optional<std::string> from_common_name(const X509* cert) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return std::nullopt;
  const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  return std::string(text_of(cn));
}

}  // namespace

bool is_valid_device_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char ch : id) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
              ch == '_' || ch == '.';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> device_id_of(const void* x509) {
  const auto* cert = static_cast<const X509*>(x509);
  // A CA certificate is never a device, even one our CA signed.
  if (X509_check_ca(const_cast<X509*>(cert)) != 0) return std::nullopt;
  auto id = from_san_uri(cert);
  if (!id) id = from_common_name(cert);
  if (!id || !is_valid_device_id(*id)) return std::nullopt;
  return id;
}

}  // namespace mothership::pki
