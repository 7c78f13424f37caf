#pragma once
// The file formats a report can be downloaded in, and how each is named on the way: in the API
// ("csv"), in the Content-Type of the download and in the file name a browser saves it under.
#include <optional>
#include <string_view>

namespace mothership::reports {

enum class format { csv, json, ndjson };

// "csv", "json" or "ndjson", exactly (what name() returns); anything else is nullopt.
std::optional<format> parse_format(std::string_view text);
std::string_view name(format f);
// "text/csv; charset=utf-8", "application/json", "application/x-ndjson".
std::string_view content_type(format f);
// Without the dot: "csv", "json", "ndjson".
std::string_view file_extension(format f);

}  // namespace mothership::reports
