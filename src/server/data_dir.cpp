#include "server/data_dir.hpp"

namespace mothership::server {

void data_dir::prepare() const {
  namespace fs = std::filesystem;
  fs::create_directories(root);
  fs::create_directories(root / "keys");
  fs::permissions(root / "keys", fs::perms::owner_all, fs::perm_options::replace);
  fs::create_directories(root / "pki");
}

}  // namespace mothership::server
