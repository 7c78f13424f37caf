#include "firmware_download.hpp"

#include <openssl/evp.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <memory>

namespace mothership::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

std::string hex(const unsigned char* data, unsigned int n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

download_result failure(std::string why) {
  download_result r;
  r.failure = std::move(why);
  return r;
}

}  // namespace

asio::awaitable<download_result> download_firmware(asio::any_io_executor executor, const std::string& url,
                                                   const std::function<void(std::uint64_t, std::uint64_t)>& progress) {
  const std::string scheme = "http://";
  if (!url.starts_with(scheme)) co_return failure("only http:// links are simulated: " + url);
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  std::string host = authority.substr(0, colon);
  std::string port = colon == std::string::npos ? "80" : authority.substr(colon + 1);

  asio::ip::tcp::resolver resolver(executor);
  auto [resolve_ec, endpoints] = co_await resolver.async_resolve(host, port, nothrow);
  if (resolve_ec) co_return failure("resolve " + host + ": " + resolve_ec.message());
  beast::tcp_stream stream(executor);
  stream.expires_after(std::chrono::seconds(30));
  auto [connect_ec, at] = co_await stream.async_connect(endpoints, nothrow);
  if (connect_ec) co_return failure("connect: " + connect_ec.message());
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, authority);
  auto [write_ec, written] = co_await http::async_write(stream, request, nothrow);
  if (write_ec) co_return failure("request: " + write_ec.message());

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  auto [head_ec, head_n] = co_await http::async_read_header(stream, buffer, parser, nothrow);
  if (head_ec) co_return failure("response: " + head_ec.message());
  if (parser.get().result_int() != 200)
    co_return failure("HTTP " + std::to_string(parser.get().result_int()) + " for the download link");
  const std::uint64_t total = parser.content_length().value_or(0);

  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr);
  std::vector<char> chunk(64 * 1024);
  download_result out;
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    stream.expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, nothrow);
    if (ec == http::error::need_buffer) ec = {};
    auto got = chunk.size() - parser.get().body().size;
    EVP_DigestUpdate(digest.get(), chunk.data(), got);
    out.bytes += got;
    if (got && progress) progress(out.bytes, total);
    if (ec) co_return failure("download broke off after " + std::to_string(out.bytes) + " bytes: " + ec.message());
  }
  unsigned char md[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(digest.get(), md, &len);
  out.sha256 = hex(md, len);
  out.ok = true;
  co_return out;
}

}  // namespace mothership::sim
