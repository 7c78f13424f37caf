#include "rules/errors.hpp"

namespace mothership::rules {

namespace {

class category : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "rules"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::rule_not_found:
        return "No alert rule has this id.";
      case errc::rule_name_taken:
        return "Another alert rule has this name.";
      case errc::invalid_rule:
        return "The rule is not valid.";
      case errc::alert_not_found:
        return "No alert has this id.";
      case errc::alert_cleared:
        return "The alert has already cleared; there is nothing to acknowledge.";
      case errc::stopped:
        return "Alerts are not running (the server is starting or stopping); try again shortly.";
    }
    return "rules error";
  }
};

}  // namespace

const boost::system::error_category& rules_category() {
  static const category c;
  return c;
}

}  // namespace mothership::rules
