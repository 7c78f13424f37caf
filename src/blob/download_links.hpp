#pragma once
// Signed, expiring download links for the filesystem blob store: GET /dl/{token}. The token
// is HMAC-SHA256 (a 32-byte server key, 0600 in the data dir) over the blob id, the expiry
// and the audience, so a link names exactly one blob for one device or user until one time,
// and changing any byte of it (another blob, a later expiry, another audience) breaks the
// MAC. No database row per link: a link costs nothing until it is used.
//
//   token = base64url("v1\n" blob_id "\n" expires_s "\n" audience) "." base64url(mac)
//
// The expiry is long enough for a slow device to finish (an hour by default); within it the
// device resumes with Range requests on the same link.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "blob/errors.hpp"

namespace mothership::blob {

struct download_link {
  std::string blob_id;
  std::int64_t expires_s = 0;  // Unix seconds
  std::string audience;        // "dev_..." or "usr_..."
};

class download_links {
 public:
  explicit download_links(std::array<unsigned char, 32> key) : key_(key) {}

  std::string sign(const download_link& link) const;
  // The link a token names, if its MAC is ours and it has not expired at `now_s`.
  // link_malformed for anything altered or not ours; link_expired after its expiry.
  result<download_link> verify(std::string_view token, std::int64_t now_s) const;

 private:
  std::string mac(std::string_view payload) const;
  std::array<unsigned char, 32> key_;
};

}  // namespace mothership::blob
