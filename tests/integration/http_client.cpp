#include "http_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace mothership::integration {

namespace {

using clock_type = std::chrono::steady_clock;

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("http client: " + what);
}

int remaining_ms(clock_type::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
}

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

// Decodes a chunked body from `data`; nullopt when incomplete. `used` = bytes consumed.
std::optional<std::string> dechunk(std::string_view data, std::size_t& used) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    auto eol = data.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::nullopt;
    std::size_t size = std::stoul(std::string(data.substr(pos, eol - pos)), nullptr, 16);
    pos = eol + 2;
    if (size == 0) {
      // Trailers end with an empty line.
      auto end = data.find("\r\n", pos);
      while (end != std::string_view::npos && end != pos) {
        pos = end + 2;
        end = data.find("\r\n", pos);
      }
      if (end == std::string_view::npos) return std::nullopt;
      used = end + 2;
      return out;
    }
    if (data.size() < pos + size + 2) return std::nullopt;
    out.append(data.substr(pos, size));
    pos += size + 2;
  }
}

// Takes one complete response off the front of `buf`; nullopt when more bytes are needed.
std::optional<http_response> take_response(std::string& buf, bool eof, bool head_request) {
  for (;;) {
    auto head_end = buf.find("\r\n\r\n");
    if (head_end == std::string::npos) {
      if (eof) fail(buf.empty() ? "connection closed before a response" : "connection closed inside a response head");
      return std::nullopt;
    }
    std::string_view head(buf.data(), head_end);
    http_response r;
    auto line_end = head.find("\r\n");
    std::string_view status_line = head.substr(0, line_end);
    if (status_line.substr(0, 5) != "HTTP/" || status_line.size() < 12)
      fail("bad status line: " + std::string(status_line));
    r.status = std::stoi(std::string(status_line.substr(9, 3)));
    r.reason = std::string(status_line.size() > 13 ? status_line.substr(13) : "");
    std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      auto next = head.find("\r\n", pos);
      if (next == std::string_view::npos) next = head.size();
      std::string_view line = head.substr(pos, next - pos);
      auto colon = line.find(':');
      if (colon == std::string_view::npos) fail("bad header line: " + std::string(line));
      r.headers.emplace_back(std::string(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
      pos = next + 2;
    }
    std::size_t body_start = head_end + 4;
    if (r.status >= 100 && r.status < 200) {
      buf.erase(0, body_start);  // interim response (100 Continue)
      continue;
    }
    std::string_view rest(buf.data() + body_start, buf.size() - body_start);
    std::size_t used = 0;
    if (head_request || r.status == 204 || r.status == 304) {
      used = 0;
    } else if (auto te = r.header("Transfer-Encoding"); te && iequal(*te, "chunked")) {
      auto body = dechunk(rest, used);
      if (!body) {
        if (eof) fail("connection closed inside a chunked body");
        return std::nullopt;
      }
      r.body = std::move(*body);
    } else if (auto cl = r.header("Content-Length")) {
      std::size_t length = std::stoul(*cl);
      if (rest.size() < length) {
        if (eof) fail("connection closed inside a body");
        return std::nullopt;
      }
      r.body = std::string(rest.substr(0, length));
      used = length;
    } else {
      if (!eof) return std::nullopt;  // close-delimited
      r.body = std::string(rest);
      used = rest.size();
    }
    buf.erase(0, body_start + used);
    return r;
  }
}

}  // namespace

std::optional<std::string> http_response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return v;
  return std::nullopt;
}

std::vector<std::string> http_response::headers_named(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) out.push_back(v);
  return out;
}

std::ostream& operator<<(std::ostream& out, const http_response& r) {
  out << "\n--- response ---\nHTTP/1.1 " << r.status << ' ' << r.reason << '\n';
  for (const auto& [k, v] : r.headers) out << k << ": " << (v.size() > 200 ? v.substr(0, 200) + "..." : v) << '\n';
  out << '\n' << (r.body.size() > 2048 ? r.body.substr(0, 2048) + "..." : r.body) << "\n----------------\n";
  return out;
}

std::string http_request::to_bytes(int port) const {
  std::string out = method + " " + target + " HTTP/1.1\r\n";
  out += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  out += "\r\n";
  out += body;
  return out;
}

http_connection::http_connection(int port, std::chrono::milliseconds timeout) : port_(port), timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fail(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr = loopback(port);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    ::close(fd_);
    fd_ = -1;
    fail("connect to port " + std::to_string(port) + ": " + std::strerror(err));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

http_connection::~http_connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool http_connection::try_send(std::string_view bytes) {
  auto deadline = clock_type::now() + timeout_;
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) == 0) fail("send timed out");
      continue;
    }
    if (errno == EPIPE || errno == ECONNRESET) return false;
    fail(std::string("send: ") + std::strerror(errno));
  }
  return true;
}

void http_connection::send(std::string_view bytes) {
  if (!try_send(bytes)) fail("peer closed the connection while sending");
}

bool http_connection::fill(clock_type::time_point deadline) {
  pollfd p{fd_, POLLIN, 0};
  int ready = ::poll(&p, 1, remaining_ms(deadline));
  if (ready == 0) return false;
  char chunk[65536];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n > 0) {
    buffer_.append(chunk, static_cast<std::size_t>(n));
  } else if (n == 0 || errno == ECONNRESET || errno == EPIPE) {
    eof_ = true;
  } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    fail(std::string("recv: ") + std::strerror(errno));
  }
  return true;
}

http_response http_connection::read_response(bool head_request) {
  auto deadline = clock_type::now() + timeout_;
  for (;;) {
    if (auto r = take_response(buffer_, eof_, head_request)) return std::move(*r);
    if (!fill(deadline)) fail("timed out waiting for a response from port " + std::to_string(port_));
  }
}

std::string http_connection::read_raw_head() {
  auto deadline = clock_type::now() + timeout_;
  for (;;) {
    auto end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string head = buffer_.substr(0, end + 4);
      buffer_.erase(0, end + 4);
      return head;
    }
    if (eof_) fail("connection closed before a response head");
    if (!fill(deadline)) fail("timed out waiting for a response head from port " + std::to_string(port_));
  }
}

http_response http_connection::exchange(const http_request& request) {
  send(request.to_bytes(port_));
  return read_response(request.method == "HEAD");
}

bool http_connection::wait_closed(std::chrono::milliseconds within) {
  auto deadline = clock_type::now() + within;
  while (!eof_) {
    if (!fill(deadline)) return false;
  }
  return true;
}

http_connection::streamed http_connection::stream_request(std::string_view head, std::size_t filler_bytes,
                                                          std::chrono::milliseconds timeout) {
  streamed out;
  auto started = clock_type::now();
  auto deadline = started + timeout;
  std::string pending(head);
  std::size_t filler_left = filler_bytes;
  const std::string filler(64 * 1024, 'x');
  bool can_send = true;
  while (clock_type::now() < deadline) {
    if (!out.response) {
      try {
        out.response = take_response(buffer_, eof_, false);
        if (out.response)
          out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
      } catch (const std::runtime_error&) {
        out.peer_closed = true;  // closed without (a complete) response
        break;
      }
    }
    if (out.response && eof_) {
      out.peer_closed = true;
      break;
    }
    if (pending.empty() && filler_left > 0) {
      std::size_t n = std::min(filler_left, filler.size());
      pending.assign(filler, 0, n);
      filler_left -= n;
    }
    bool want_send = can_send && !pending.empty();
    pollfd p{fd_, static_cast<short>(POLLIN | (want_send ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, std::min(remaining_ms(deadline), 100)) < 0 && errno != EINTR)
      fail(std::string("poll: ") + std::strerror(errno));
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) fill(clock_type::now());
    if (want_send && (p.revents & POLLOUT)) {
      ssize_t n = ::send(fd_, pending.data(), pending.size(), MSG_NOSIGNAL);
      if (n > 0) {
        pending.erase(0, static_cast<std::size_t>(n));
        out.bytes_sent += static_cast<std::size_t>(n);
      } else if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
        can_send = false;
      }
    }
    if (out.response) {
      // Answered before the request was complete: stop sending and see whether the server closes.
      out.peer_closed = wait_closed(std::chrono::milliseconds(remaining_ms(deadline)));
      break;
    }
  }
  if (!out.response) out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - started);
  return out;
}

http_response send_request(int port, const http_request& request, std::chrono::milliseconds timeout) {
  http_connection c(port, timeout);
  http_request once = request;
  once.keep_alive = false;
  return c.exchange(once);
}

bool port_accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr = loopback(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr = loopback(0);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    fail(std::string("bind: ") + std::strerror(err));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace mothership::integration
