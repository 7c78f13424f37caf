#pragma once
// JSON encoding shared by the JSON and NDJSON writers (RFC 8259), written straight into the
// output buffer: strings with '"', '\' and control characters escaped (\n, \r, \t, \b, \f, the
// others as \u00XX) and ill-formed UTF-8 as U+FFFD; int64 exact; doubles in their shortest
// round-trip form, NaN and infinities as null (JSON has no spelling for them).
#include <string>
#include <string_view>
#include <vector>

#include "reports/cell.hpp"
#include "reports/output_buffer.hpp"

namespace mothership::reports {

// `text` as a JSON string, quotes included.
void append_json_string(output_buffer& out, std::string_view text);
void append_json_value(output_buffer& out, const cell& value);

// A row as a JSON object, {"column":value,...}. The keys are escaped once, not once a row.
class json_object_encoder {
 public:
  explicit json_object_encoder(const std::vector<std::string>& columns);

  // Throws std::invalid_argument when there is not one cell per column.
  void append(output_buffer& out, const std::vector<cell>& cells) const;

 private:
  // `{"first":`, `,"second":`, ...
  std::vector<std::string> key_prefixes_;
};

}  // namespace mothership::reports
