#pragma once
// Range requests (RFC 9110 §14): which part of a file of `size` bytes a GET asks for. One
// range is served as 206; a list of several is answered with the whole file (200), which the
// RFC allows and which spares multipart/byteranges bodies that no device needs. An If-Range
// that names another version (ETag) than the current one gets the whole file, so a resumed
// download never splices two versions.
#include <cstdint>
#include <string_view>

#include "api/http_types.hpp"

namespace mothership::api {

struct range_choice {
  int status = 200;  // 200 (all), 206 (offset/length) or 416 (nothing of it exists)
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// `etag` is the file's strong entity tag, quotes included ("\"<sha256>\"").
range_choice choose_range(const http_request& request, std::uint64_t size, std::string_view etag);

}  // namespace mothership::api
