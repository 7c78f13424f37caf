#include "blob/download_links.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

#include "common/encoding.hpp"

namespace mothership::blob {

namespace {

constexpr std::string_view version = "v1";
constexpr std::size_t max_token = 1024;

// Splits "a\nb\nc\nd" into exactly four fields.
bool split4(std::string_view text, std::string_view (&out)[4]) {
  for (int i = 0; i < 3; ++i) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) return false;
    out[i] = text.substr(0, nl);
    text.remove_prefix(nl + 1);
  }
  out[3] = text;
  return text.find('\n') == std::string_view::npos;
}

}  // namespace

std::string download_links::mac(std::string_view payload) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(payload.data()),
       payload.size(), digest, &size);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string download_links::sign(const download_link& link) const {
  std::string payload =
      std::string(version) + "\n" + link.blob_id + "\n" + std::to_string(link.expires_s) + "\n" + link.audience;
  return common::base64url_encode(payload) + "." + common::base64url_encode(mac(payload));
}

result<download_link> download_links::verify(std::string_view token, std::int64_t now_s) const {
  if (token.size() > max_token) return errc::link_malformed;
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return errc::link_malformed;
  auto payload = common::base64url_decode(token.substr(0, dot));
  auto given_mac = common::base64url_decode(token.substr(dot + 1));
  if (!payload || !given_mac || !common::constant_time_equal(mac(*payload), *given_mac)) return errc::link_malformed;
  std::string_view fields[4];
  if (!split4(*payload, fields) || fields[0] != version) return errc::link_malformed;
  download_link link{std::string(fields[1]), 0, std::string(fields[3])};
  auto [end, ec] = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), link.expires_s);
  if (ec != std::errc() || end != fields[2].data() + fields[2].size()) return errc::link_malformed;
  if (now_s >= link.expires_s) return errc::link_expired;
  return link;
}

}  // namespace mothership::blob
