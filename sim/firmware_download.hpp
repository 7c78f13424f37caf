#pragma once
// A simulated device's firmware download: GET of the job document's link over plain HTTP,
// asynchronous (hundreds of devices share a thread), the body hashed as it arrives and never
// kept. Reports progress as the bytes come.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <string>

namespace mothership::sim {

struct download_result {
  bool ok = false;
  std::uint64_t bytes = 0;
  std::string sha256;  // hex of what arrived
  std::string failure;
};

// `url`: "http://host:port/dl/...". `progress(received, total)` is called per chunk.
boost::asio::awaitable<download_result> download_firmware(
    boost::asio::any_io_executor executor, const std::string& url,
    const std::function<void(std::uint64_t received, std::uint64_t total)>& progress);

}  // namespace mothership::sim
