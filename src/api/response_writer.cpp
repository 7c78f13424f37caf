#include "api/response_writer.hpp"

#include <fmt/format.h>

#include "api/security_headers.hpp"

namespace mothership::api {

namespace {

std::string_view reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// A value with CR or LF would let its author add headers of their own; such bytes become spaces.
void append_header(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  for (char c : value) out.push_back(c == '\r' || c == '\n' ? ' ' : c);
  out += "\r\n";
}

}  // namespace

std::string serialize_response(http_response response, unsigned version, bool keep_alive, bool head_only,
                               bool over_tls) {
  add_security_headers(response, over_tls);
  const int status = response.status;
  const bool bodyless = status < 200 || status == 204 || status == 304;
  std::string out;
  out.reserve(256 + response.body.size());
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  fmt::format_to(std::back_inserter(out), "{} {}\r\n", status, reason(status));
  append_header(out, "Server", "mothership");
  if (!response.content_type.empty()) append_header(out, "Content-Type", response.content_type);
  for (const auto& [name, value] : response.headers) append_header(out, name, value);
  if (!keep_alive)
    append_header(out, "Connection", "close");
  else if (version == 10)
    append_header(out, "Connection", "keep-alive");
  // A file answer's bytes follow the head from the file (http_server); its length is the range's.
  const std::uint64_t length = response.content ? response.content->length() : response.body.size();
  if (!bodyless) fmt::format_to(std::back_inserter(out), "Content-Length: {}\r\n", length);
  out += "\r\n";
  if (!bodyless && !head_only && !response.content) out += response.body;
  return out;
}

std::string serialize_stream_head(http_response response, unsigned version, bool over_tls) {
  add_security_headers(response, over_tls);
  std::string out = version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  fmt::format_to(std::back_inserter(out), "{} {}\r\n", response.status, reason(response.status));
  append_header(out, "Server", "mothership");
  append_header(out, "Content-Type", response.content_type);
  append_header(out, "Cache-Control", "no-cache");
  append_header(out, "X-Accel-Buffering", "no");  // a proxy in front must not hold events back
  for (const auto& [name, value] : response.headers) append_header(out, name, value);
  append_header(out, "Connection", "close");
  out += "\r\n";
  return out;
}

}  // namespace mothership::api
