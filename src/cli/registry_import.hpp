#pragma once
// `mothership registry import FILE.csv`: checks the file locally (every bad line reported
// before anything is sent), uploads it with a progress bar, and prints what the server
// imported or the lines it refused. Exit 0 imported, 1 refused, 2 unusable input.
#include <string>

#include "cli/api_connection.hpp"

namespace mothership::cli {

int registry_import(const api_connection& api, const std::string& file, const std::string& batch);

}  // namespace mothership::cli
