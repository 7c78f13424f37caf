#include "reports/errors.hpp"

namespace mothership::reports {

namespace {

class category : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "reports"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::unknown_kind:
        return "The kind must be one of devices, telemetry, audit, jobs, onboarding.";
      case errc::invalid_format:
        return "The format must be csv, json or ndjson.";
      case errc::invalid_filters:
        return "The filters are not valid for this kind of report.";
      case errc::report_not_found:
        return "No report of yours has this id.";
      case errc::report_not_ready:
        return "The report is still being generated; ask again when its status is ready.";
      case errc::report_unavailable:
        return "The report failed or has been deleted after its retention period.";
    }
    return "reports error";
  }
};

}  // namespace

const boost::system::error_category& reports_category() {
  static const category c;
  return c;
}

}  // namespace mothership::reports
