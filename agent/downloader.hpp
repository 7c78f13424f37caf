#pragma once
// The firmware download: HTTPS with libcurl on a thread of its own, into a ".part" file that a
// later attempt (after a broken connection, an expired link, a crash) continues with
// `Range: bytes=<have>-` and `If-Range: <ETag>`, so that a slow link never starts over. The
// server is verified against the platform CA and the device presents its own certificate
// (download links can be bound to it). Progress and the end arrive on the event_queue.

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "events.hpp"

namespace mothership::agent {

struct download_request {
  std::string job_id;
  std::string url;
  std::string part_path;  // continued when it exists
  std::uint64_t size = 0;
  std::string sha256;  // the image's: its ETag, and what `If-Range` names
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  long long max_bytes_per_s = 0;
};

// Calls curl_global_init; once, before any other thread starts.
void init_downloads();

class download_task {
 public:
  // Starts at once; the result arrives as download_finished.
  download_task(download_request request, event_queue& events);
  // Stops the transfer (what arrived stays in the .part file) and waits for the thread.
  ~download_task();
  download_task(const download_task&) = delete;
  download_task& operator=(const download_task&) = delete;

  const download_request& request() const { return request_; }

 private:
  download_request request_;
  std::jthread thread_;
};

// The lowercase hex SHA-256 of a file's contents. Throws std::runtime_error when it cannot be read.
std::string sha256_of_file(const std::string& path);

}  // namespace mothership::agent
