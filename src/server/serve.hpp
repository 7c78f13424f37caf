#pragma once
// `mothership serve`: wires every module (the composition root) and runs until SIGINT/SIGTERM.
#include "common/config.hpp"

namespace mothership::server {

// Returns the process exit code.
int serve(const common::config& cfg);

}  // namespace mothership::server
