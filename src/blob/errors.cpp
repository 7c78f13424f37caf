#include "blob/errors.hpp"

#include <string>

namespace mothership::blob {

namespace {

class category : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "blob"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::not_found:
        return "The file does not exist.";
      case errc::too_large:
        return "The file is larger than allowed.";
      case errc::source_failed:
        return "The upload broke off before its end.";
      case errc::range_not_satisfiable:
        return "The requested range lies beyond the end of the file.";
      case errc::link_malformed:
        return "The download link is not valid.";
      case errc::link_expired:
        return "The download link has expired.";
      case errc::link_wrong_audience:
        return "The download link was made for someone else.";
    }
    return "blob error";
  }
};

}  // namespace

const boost::system::error_category& blob_category() {
  static const category instance;
  return instance;
}

}  // namespace mothership::blob
