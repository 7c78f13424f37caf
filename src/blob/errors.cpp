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
        return "the file does not exist";
      case errc::too_large:
        return "the file is larger than allowed";
      case errc::source_failed:
        return "the upload broke off before its end";
      case errc::range_not_satisfiable:
        return "the requested range lies beyond the end of the file";
      case errc::link_malformed:
        return "the download link is not valid";
      case errc::link_expired:
        return "the download link has expired";
      case errc::link_wrong_audience:
        return "the download link was made for someone else";
    }
    return "blob error " + std::to_string(value);
  }
};

}  // namespace

const boost::system::error_category& blob_category() {
  static const category instance;
  return instance;
}

}  // namespace mothership::blob
