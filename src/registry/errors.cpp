#include "registry/errors.hpp"

#include <boost/system/system_error.hpp>

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
      case errc::selector_syntax:
        return "The selector is not well formed.";
      case errc::invalid_labels:
        return "The labels are not valid.";
      case errc::device_not_found:
        return "No device has this id.";
      case errc::group_not_found:
        return "No group has this id.";
      case errc::group_name_taken:
        return "Another group already has this name.";
      case errc::invalid_group:
        return "The group's fields are not valid.";
      case errc::not_a_member:
        return "The device is not in this group.";
    }
    return "registry error";
  }
};
}  // namespace

const boost::system::error_category& registry_category() {
  static const category instance;
  return instance;
}

void throw_exception_from_error(const selector_error& e, const boost::source_location& loc) {
  boost::throw_exception(boost::system::system_error(e.code, e.message + " at position " + std::to_string(e.position)),
                         loc);
}

void throw_exception_from_error(const label_refusal& r, const boost::source_location& loc) {
  boost::throw_exception(boost::system::system_error(r.code), loc);
}

}  // namespace mothership::registry
