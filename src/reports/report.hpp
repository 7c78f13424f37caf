#pragma once
// A report someone asked for, and the kinds of report there are.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "reports/cell.hpp"
#include "reports/format.hpp"

namespace mothership::reports {

enum class status { queued, running, ready, failed, expired };
std::string_view name(status s);
std::optional<status> parse_status(std::string_view text);

struct report {
  std::string id;  // rep_...
  std::string user_id;
  std::string kind;
  reports::format format = format::csv;
  bool gzip = false;
  std::string filters_json;  // canonical JSON of the filters
  reports::status status = status::queued;
  std::int64_t rows = 0;
  std::int64_t bytes = 0;
  std::optional<std::string> blob_id;
  std::optional<std::string> sha256;
  std::optional<std::string> error;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> started_at, finished_at, expires_at;
};

// One kind of report ("devices", "telemetry", ...): its filters, its columns and its rows,
// streamed from the domain that owns them. Implemented by the composition root over the
// domains' own interfaces (reports never read another module's tables).
class report_source {
 public:
  virtual ~report_source() = default;
  // The filters as given; an error says what is wrong with them (a 422 for the API).
  virtual std::optional<std::string> check(const boost::json::object& filters) const = 0;
  virtual std::vector<std::string> columns() const = 0;
  // Calls `row` for each row in order until it returns false. Runs on the report thread.
  virtual void each(const boost::json::object& filters, const std::function<bool(const std::vector<cell>&)>& row) = 0;
};

}  // namespace mothership::reports
