#pragma once
// Byte encodings and digests shared by every module.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mothership::common {

std::string to_hex(std::string_view bytes);
// Upper or lower case; nullopt for an odd length or a non-hex digit.
std::optional<std::string> from_hex(std::string_view text);
std::string base64url_encode(std::string_view bytes);  // no padding (RFC 7515 §2)
std::optional<std::string> base64url_decode(std::string_view text);
// Standard base64 with padding (RFC 4648 §4), as `openssl base64` writes it: line breaks and
// spaces are ignored.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes);
// For a URL's query value: everything but RFC 3986 unreserved characters as %XX.
std::string percent_encode(std::string_view text);

std::string sha256(std::string_view bytes);  // raw 32 bytes
std::string sha256_hex(std::string_view bytes);

std::string random_bytes(std::size_t count);  // from the OS CSPRNG (libsodium)
std::string random_token(std::size_t bytes);  // base64url of random bytes

// Compares without an early exit, so timing does not reveal where two secrets differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace mothership::common
