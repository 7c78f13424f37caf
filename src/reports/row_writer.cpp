#include "reports/row_writer.hpp"

#include "reports/csv_writer.hpp"
#include "reports/json_writer.hpp"
#include "reports/ndjson_writer.hpp"

namespace mothership::reports {

std::unique_ptr<row_writer> make_writer(format f, byte_sink& out) {
  switch (f) {
    case format::csv:
      return std::make_unique<csv_writer>(out);
    case format::json:
      return std::make_unique<json_writer>(out);
    case format::ndjson:
      return std::make_unique<ndjson_writer>(out);
  }
  return std::make_unique<csv_writer>(out);
}

}  // namespace mothership::reports
