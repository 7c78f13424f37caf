#pragma once
// The admin CLI's way to the server: the REST API over HTTP/1.1, like any other client
// (ARCHITECTURE.md §2). Blocking; one request per connection.
#include <functional>
#include <string>

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

  // Sends the body in pieces and reports the bytes sent so far, for a progress bar.
  api_reply send(const std::string& method, const std::string& target, const std::string& content_type,
                 const std::string& body, const std::function<void(std::size_t sent)>& progress = {}) const;

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
