#include "registry/errors.hpp"

namespace mothership::registry {

namespace {
class category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "registry"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::selector_syntax:
        return "selector syntax error";
      case errc::invalid_labels:
        return "invalid labels";
      case errc::device_not_found:
        return "no such device";
      case errc::group_not_found:
        return "no such group";
      case errc::group_name_taken:
        return "a group with this name already exists";
      case errc::invalid_group:
        return "invalid group";
      case errc::not_a_member:
        return "the device is not in the group";
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
