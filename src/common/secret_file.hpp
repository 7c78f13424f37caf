#pragma once
// Secrets (access tokens, passwords) reach a tool through its environment, a file only its
// owner can read, or a prompt: never its command line, which every local user can read in
// `ps` and /proc/<pid>/cmdline.
#include <array>
#include <optional>
#include <string>

namespace mothership::common {

struct secret_result {
  std::optional<std::string> value;
  std::string error;  // names the file and says what is wrong with it when `value` is empty
};

// The first line of the file at `path`, without its line end. Refused when group or others
// have any permission on the file (the secret is no longer private; the error says how to
// fix it), when it is not a regular file, or when it is empty.
secret_result read_secret_file(const std::string& path);

// The secret from `file` when one is named, else from the environment variable `env_name`;
// an empty value when neither gives one (the caller then prompts or refuses).
secret_result find_secret(const std::string& file, const char* env_name);

// A server key (HMAC keys for claim codes, download links): 32 random bytes kept as hex in
// `path`, created owner-only (0600) at first use. Throws std::runtime_error when the file
// cannot be made or does not hold such a key.
std::array<unsigned char, 32> load_or_create_key(const std::string& path);

}  // namespace mothership::common
