#pragma once
// The answer to a download of a blob: the whole blob or the range the request asks for (206,
// 416), with its length, a strong ETag (its SHA-256), Accept-Ranges, Last-Modified and a
// file name; the bytes follow from the blob store without passing through memory whole.
#include <string_view>

#include "api/http_types.hpp"
#include "blob/store.hpp"

namespace mothership::api {

// Runs on a worker thread (opens a file). A blob that is gone gives 404.
http_response file_response(const http_request& request, blob::store& blobs, std::string_view blob_id,
                            std::string_view filename);

}  // namespace mothership::api
