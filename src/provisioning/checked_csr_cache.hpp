#pragma once
// The CSRs that passed pki::check_csr lately, by serial. A device-first onboarding checks its
// CSR when the hello arrives and signs it when the technician approves, and a technician-first
// one may see the hello again on a reconnect: parsing and verifying the same request twice is
// a good part of an onboarding's cost on OpenSSL 3. An entry counts only for the exact PEM
// text it was made from; it is forgotten once the certificate is out. Bounded (a thousand
// devices awaiting approval): the oldest entry goes first. Thread-safe.
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "pki/csr.hpp"

namespace mothership::provisioning {

class checked_csr_cache {
 public:
  explicit checked_csr_cache(std::size_t capacity = 1024) : capacity_(capacity) {}

  // The checked CSR for this serial and PEM text, or check_csr's verdict on it now.
  pki::csr_check check(const std::string& serial, const std::string& pem);
  void forget(const std::string& serial);

 private:
  void remember(const std::string& serial, const std::string& pem, std::shared_ptr<pki::checked_csr> csr);

  struct entry {
    std::string pem;
    std::shared_ptr<pki::checked_csr> csr;
  };
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_;
  std::deque<std::string> order_;  // serials, oldest first (a serial may appear more than once)
};

}  // namespace mothership::provisioning
