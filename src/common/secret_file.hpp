#pragma once
// Secrets (access tokens, passwords) reach a tool through its environment, a file only its
// owner can read, or a prompt: never its command line, which every local user can read in
// `ps` and /proc/<pid>/cmdline.
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

}  // namespace mothership::common
