#include "provisioning/checked_csr_cache.hpp"

namespace mothership::provisioning {

void checked_csr_cache::remember(const std::string& serial, const std::string& pem,
                                 std::shared_ptr<pki::checked_csr> csr) {
  std::lock_guard lock(mutex_);
  entries_[serial] = entry{pem, std::move(csr)};
  order_.push_back(serial);
  // A serial remembered again also has an older place in order_; evicting by that one only
  // costs a check later.
  while (entries_.size() > capacity_ || order_.size() > 2 * capacity_) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
}

pki::csr_check checked_csr_cache::check(const std::string& serial, const std::string& pem) {
  {
    std::lock_guard lock(mutex_);
    if (auto found = entries_.find(serial); found != entries_.end() && found->second.pem == pem)
      return {found->second.csr, {}};
  }
  auto checked = pki::check_csr(pem);
  if (checked) remember(serial, pem, checked.csr);
  return checked;
}

void checked_csr_cache::forget(const std::string& serial) {
  std::lock_guard lock(mutex_);
  entries_.erase(serial);
}

}  // namespace mothership::provisioning
