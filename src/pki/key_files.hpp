#pragma once
// Files that hold keys and certificates.
#include <sys/types.h>
#include <string>

namespace mothership::pki {

// Replaces `path` with `text`, creating it with `mode` so that a key file is never readable by
// others, even for a moment; synced before returning.
void write_file_with_mode(const std::string& path, const std::string& text, mode_t mode);
std::string read_text_file(const std::string& path);

}  // namespace mothership::pki
