#include "api/file_response.hpp"

#include <ctime>

#include "api/byte_ranges.hpp"
#include "api/problem.hpp"

namespace mothership::api {

namespace {

// RFC 9110 §5.6.7 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(common::millis t) {
  std::time_t seconds = static_cast<std::time_t>(t / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

// A name for Content-Disposition: what could end the quoted string or a header goes.
std::string safe_filename(std::string_view name) {
  std::string out;
  for (unsigned char c : name)
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/') out.push_back(static_cast<char>(c));
  return out.empty() ? "download.bin" : out;
}

}  // namespace

http_response file_response(const http_request& request, blob::store& blobs, std::string_view blob_id,
                            std::string_view filename) {
  auto info = blobs.stat(blob_id);
  if (!info) return problem_for(info.error());
  std::string etag = "\"" + info->sha256 + "\"";
  auto range = choose_range(request, info->size, etag);
  if (range.status == 416)
    return problem(416, "range-not-satisfiable", "Range not satisfiable",
                   "The file has " + std::to_string(info->size) + " bytes; the range asked for lies beyond them.")
        .with_header("Content-Range", "bytes */" + std::to_string(info->size));
  auto reader = blobs.open(blob_id, range.offset, range.length);
  if (!reader) return problem_for(reader.error());

  http_response out{range.status, "application/octet-stream", {}, {}};
  out.content = std::move(*reader);
  out.with_header("Accept-Ranges", "bytes")
      .with_header("ETag", etag)
      .with_header("Last-Modified", http_date(info->created_at))
      .with_header("Content-Disposition", "attachment; filename=\"" + safe_filename(filename) + "\"")
      .with_header("Cache-Control", "private, no-cache");
  if (range.status == 206)
    out.with_header("Content-Range", "bytes " + std::to_string(range.offset) + "-" +
                                         std::to_string(range.offset + range.length - 1) + "/" +
                                         std::to_string(info->size));
  return out;
}

}  // namespace mothership::api
