#pragma once
// The admin CLI's way to the server: the REST API over HTTP/1.1, like any other client
// (ARCHITECTURE.md §2). Blocking; one request per connection.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/byte_source.hpp"

namespace mothership::cli {

struct api_reply {
  int status = 0;
  std::string content_type;
  std::string body;
};

class api_connection {
 public:
  // `base_url` "http://HOST:PORT". Authenticates with `token`, or logs in with user + password.
  api_connection(const std::string& base_url, std::string token);
  void login(const std::string& username, const std::string& password);

  using progress_fn = std::function<void(std::uint64_t sent)>;
  using header_list = std::vector<std::pair<std::string, std::string>>;

  // Sends the body in pieces and reports the bytes sent so far, for a progress bar.
  api_reply send(const std::string& method, const std::string& target, const std::string& content_type,
                 const std::string& body, const progress_fn& progress = {}) const;
  // The same for a body of `length` bytes read from `body` as it goes (a firmware image), with
  // `Expect: 100-continue`: a refusal (409, 413, 422) arrives before a byte of the body is sent.
  api_reply send_stream(const std::string& method, const std::string& target, const std::string& content_type,
                        common::byte_source& body, std::uint64_t length, const header_list& headers,
                        const progress_fn& progress = {}) const;

 private:
  std::string host_;
  std::string port_;
  std::string token_;
};

// The password from `env_name`, else asked on the terminal without echo.
std::string read_password(const char* env_name);

// A one-line progress bar on stderr ("label [#####     ] 52%"), redrawn in place on a terminal.
class progress_bar {
 public:
  progress_bar(std::string label, std::size_t total);
  void update(std::size_t done);
  void finish();

 private:
  std::string label_;
  std::size_t total_;
  int last_percent_ = -1;
  bool tty_;
};

}  // namespace mothership::cli
