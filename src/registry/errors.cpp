#include "registry/errors.hpp"

namespace mothership::registry {

namespace {
class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "registry"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::record_not_found:
        return "No manufacturing record has this serial.";
      case errc::not_decommissioned:
        return "Only a decommissioned record can be re-enabled.";
    }
    return "registry error";
  }
};
}  // namespace

const boost::system::error_category& registry_category() {
  static const category instance;
  return instance;
}

}  // namespace mothership::registry
