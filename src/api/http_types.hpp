#pragma once
// HTTP request and response as handlers see them: plain values, no sockets, no Beast.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "blob/store.hpp"
#include "common/byte_source.hpp"

namespace mothership::api {

class event_stream;

struct http_request {
  std::string method;                                      // "GET"
  std::string path;                                        // decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::unordered_map<std::string, std::string> headers;    // names lower-case
  std::string body;
  // Set instead of `body` for a route that streams its body (route::streamed_body_limit): the
  // handler reads it as it arrives, up to the route's limit.
  std::shared_ptr<common::byte_source> body_stream;
  std::string remote_address;
  std::string request_id;
  bool over_tls = false;  // came in on the HTTPS listener: the refresh cookie may be Secure
  // The device whose client certificate (issued by our CA, not revoked) the HTTPS connection
  // presented; download links made for a device check it (GET /dl/{token}).
  std::optional<std::string> peer_device;

  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
  std::optional<std::string> query_param(std::string_view name) const {
    for (const auto& [k, v] : query)
      if (k == name) return v;
    return std::nullopt;
  }
  std::optional<std::string> cookie(std::string_view name) const;
  // The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
  std::optional<std::string_view> bearer_token() const;
};

struct http_response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for a streamed answer (Server-Sent Events): the connection sends the head, then what
  // the stream yields until it ends, then closes. `body` is not used.
  std::shared_ptr<event_stream> stream;
  // Set for a file answer (a download): sent after the head, with its length as
  // Content-Length, by sendfile(2) where the connection allows. `body` is not used.
  std::shared_ptr<blob::blob_reader> content;

  http_response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

http_response json_response(int status, std::string body);
http_response no_content();

}  // namespace mothership::api
