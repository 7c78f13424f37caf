#pragma once
// Serialises a response into the bytes of one HTTP/1.1 message, written with a single
// send: cheaper than a general-purpose serialiser for the small answers an API gives.
#include <string>

#include "api/http_types.hpp"

namespace mothership::api {

// version: 10 or 11. head_only: the answer to HEAD (headers with the GET body's length, no body).
// over_tls: the answer goes out on the HTTPS listener (adds HSTS). For a file answer
// (response.content) only the head: the caller sends the file after it. Both functions add the
// security headers (security_headers.hpp), each once.
std::string serialize_response(http_response response, unsigned version, bool keep_alive, bool head_only,
                               bool over_tls);
// The head of a streamed response: no length, the body runs until the connection closes.
std::string serialize_stream_head(http_response response, unsigned version, bool over_tls);

}  // namespace mothership::api
