#pragma once
// The few REST calls the simulator makes (import manufacturing records, claim a device as a
// technician would), over plain HTTP/1.1 with a bearer token and a kept-alive connection per
// calling thread. Blocking: call it from a thread of its own, never from the MQTT executor.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

namespace mothership::sim {

struct api_answer {
  int status = 0;
  std::string body;
};

class api_client {
 public:
  // `base_url`: "http://HOST:PORT" (the server's API).
  api_client(const std::string& base_url, std::string token);

  api_answer post(const std::string& target, const std::string& content_type, const std::string& body) const;
  api_answer get(const std::string& target) const;

 private:
  api_answer call(const std::string& method, const std::string& target, const std::string& content_type,
                  const std::string& body) const;
  // Nothing when the connection turned out closed before any answer came (then it is safe to
  // send again); throws on other failures.
  std::optional<api_answer> exchange(const boost::beast::http::request<boost::beast::http::string_body>& request) const;

  std::string host_;
  std::string port_;
  std::string token_;
};

}  // namespace mothership::sim
