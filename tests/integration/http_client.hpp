#pragma once
// A tiny blocking HTTP/1.1 client over POSIX sockets for black-box tests. It sends exactly the
// bytes a test gives it (so tests can send malformed, oversized or trickled requests) and parses
// one response at a time: Content-Length, chunked or close-delimited bodies, 1xx skipped.
// Every read and write has a deadline; a server that hangs fails the test instead of the run.
#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mothership::integration {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct http_response {
  int status = 0;
  std::string reason;
  header_list headers;  // in the order received
  std::string body;

  // The first header of that name (case-insensitive), if any.
  std::optional<std::string> header(std::string_view name) const;
  // Every header of that name, in order.
  std::vector<std::string> headers_named(std::string_view name) const;
};

// Status line, headers and (up to 2 KB of) body: for failure messages.
std::ostream& operator<<(std::ostream& out, const http_response& r);

struct http_request {
  std::string method = "GET";
  std::string target = "/";
  header_list headers;  // Host, Content-Length and Connection are added by to_bytes()
  std::string body;
  bool keep_alive = false;

  std::string to_bytes(int port) const;
};

class http_connection {
 public:
  static constexpr std::chrono::milliseconds default_timeout{30000};

  // Connects to 127.0.0.1:port; throws std::runtime_error when it cannot.
  explicit http_connection(int port, std::chrono::milliseconds timeout = default_timeout);
  ~http_connection();
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  // Sends all bytes; throws when the peer is gone or the deadline passes.
  void send(std::string_view bytes);
  // Sends all bytes; false when the peer closed or reset the connection.
  bool try_send(std::string_view bytes);
  // Reads one response (skipping 1xx). `head_request`: the response has no body.
  http_response read_response(bool head_request = false);
  http_response exchange(const http_request& request);

  // The next response head as raw text (through the blank line), consumed; for interim
  // responses such as 100 Continue that read_response() skips. Throws on timeout or close.
  std::string read_raw_head();

  // True when the peer closes (EOF or reset) within `within`; bytes that arrive first are kept.
  bool wait_closed(std::chrono::milliseconds within);

  // Sends `head`, then `filler_bytes` bytes of filler, reading at the same time, until a full
  // response has arrived, the peer closed, or `timeout` passed. For requests the server should
  // refuse before it has read them all (413, 431).
  struct streamed {
    std::optional<http_response> response;
    std::size_t bytes_sent = 0;
    bool peer_closed = false;              // EOF or reset seen after the response (or instead of it)
    std::chrono::milliseconds elapsed{0};  // until the response was complete (or the end)
  };
  streamed stream_request(std::string_view head, std::size_t filler_bytes, std::chrono::milliseconds timeout);

  int fd() const { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);  // false on timeout

  int fd_ = -1;
  int port_;
  std::chrono::milliseconds timeout_;
  std::string buffer_;  // received, not yet parsed
  bool eof_ = false;
};

// One request on a fresh connection (Connection: close).
http_response send_request(int port, const http_request& request,
                           std::chrono::milliseconds timeout = http_connection::default_timeout);

// True when something accepts TCP connections on 127.0.0.1:port.
bool port_accepts(int port);

// A port that was free a moment ago (bind to port 0, read it, close).
int free_port();

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view text);

}  // namespace mothership::integration
