#include "reports/format.hpp"

namespace mothership::reports {

std::optional<format> parse_format(std::string_view text) {
  for (format f : {format::csv, format::json, format::ndjson}) {
    if (text == name(f)) return f;
  }
  return std::nullopt;
}

std::string_view name(format f) {
  switch (f) {
    case format::csv:
      return "csv";
    case format::json:
      return "json";
    case format::ndjson:
      return "ndjson";
  }
  return "csv";
}

std::string_view content_type(format f) {
  switch (f) {
    case format::csv:
      // RFC 4180 lets text/csv default to US-ASCII: the charset says the bytes are UTF-8.
      return "text/csv; charset=utf-8";
    case format::json:
      return "application/json";
    case format::ndjson:
      return "application/x-ndjson";
  }
  return "application/octet-stream";
}

std::string_view file_extension(format f) {
  return name(f);
}

}  // namespace mothership::reports
