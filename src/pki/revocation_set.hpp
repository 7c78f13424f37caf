#pragma once
// The serials of revoked certificates, in memory: checked on every device CONNECT on an I/O
// thread, so the check never touches the database. Loaded at start, added to on revocation.
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace mothership::pki {

class revocation_set {
 public:
  void add(const std::string& serial) {
    std::unique_lock lock(mutex_);
    serials_.insert(serial);
  }
  void add_all(const std::vector<std::string>& serials) {
    std::unique_lock lock(mutex_);
    serials_.insert(serials.begin(), serials.end());
  }
  bool contains(std::string_view serial) const {
    std::shared_lock lock(mutex_);
    return serials_.contains(std::string(serial));
  }
  std::size_t size() const {
    std::shared_lock lock(mutex_);
    return serials_.size();
  }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_set<std::string> serials_;
};

}  // namespace mothership::pki
