#pragma once
// Where big binaries live (firmware images, generated reports): the blob store. Domains (ota,
// reports) see only this interface; the filesystem backend (filesystem_store) keeps blobs in
// the data dir and an S3 backend will keep them in a bucket. Blobs are immutable: written
// once by put(), read by range, deleted.
//
// Downloads go around the API: download_url() makes a link that lets one audience (a device
// id or a user id) fetch the blob until it expires, without a session. The filesystem backend
// answers its links itself at GET /dl/{token} (download_links); an S3 backend answers with a
// SigV4 presigned URL, so the bytes never pass through the server.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "blob/errors.hpp"
#include "common/byte_source.hpp"
#include "common/clock.hpp"

namespace mothership::blob {

struct blob_info {
  std::string id;  // "blb_01J..."
  std::uint64_t size = 0;
  std::string sha256;  // lower-case hex of the whole blob
  common::millis created_at = 0;
};

// An open file range the HTTP server can hand to sendfile(2) instead of copying it through
// user space. The descriptor belongs to the reader and lives as long as it.
struct file_slice {
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// One byte range of a blob, open for reading.
class blob_reader : public common::byte_source {
 public:
  // For a blob in a local file: where its range is, for zero-copy sending.
  virtual std::optional<file_slice> file() const { return std::nullopt; }
  virtual std::uint64_t length() const = 0;
};

struct link_request {
  std::string audience;  // "dev_..." or "usr_...": who may use the link
  std::chrono::seconds ttl{3600};
  std::string filename;  // the name a browser saves it under; empty = none
};

class store {
 public:
  static constexpr std::uint64_t to_end = UINT64_MAX;

  virtual ~store() = default;

  // Streams `source` in until it ends, computing the size and SHA-256 on the way. The blob
  // exists under its id only once it is whole and durable: a source that fails (too_large past
  // `max_bytes`, source_failed) or a crash leaves nothing under a real name.
  virtual result<blob_info> put(common::byte_source& source, std::uint64_t max_bytes) = 0;
  virtual result<blob_info> stat(std::string_view id) = 0;
  // `length` past the end is cut at the end; an `offset` past the end is range_not_satisfiable.
  virtual result<std::unique_ptr<blob_reader>> open(std::string_view id, std::uint64_t offset,
                                                    std::uint64_t length) = 0;
  // Removing a blob that is not there is not an error (a retried delete).
  virtual void remove(std::string_view id) = 0;

  // An absolute URL that lets `r.audience` download the blob until `r.ttl` has passed.
  virtual std::string download_url(std::string_view id, const link_request& r) = 0;
};

}  // namespace mothership::blob
