#pragma once
// The blob store in the data dir: <root>/<2 chars>/<id> holds the bytes and <id>.json the size,
// SHA-256 and creation time. A put writes <root>/tmp/<random>.part, fsyncs it, then renames it
// into place (and fsyncs the directory), so a crash leaves at most a file in tmp/, which the
// next start removes, never a half blob under a real name. Files are 0600, directories 0700.
#include <filesystem>
#include <functional>
#include <mutex>

#include "blob/download_links.hpp"
#include "blob/store.hpp"

namespace mothership::blob {

class filesystem_store : public store {
 public:
  // Makes `root` and its tmp/ if needed and removes what interrupted puts left behind.
  filesystem_store(std::filesystem::path root, const download_links& links, std::function<common::millis()> clock = {});

  // Where download links point: "https://host:port" (no trailing slash). Set once the HTTP
  // listeners are bound; until then links are relative ("/dl/...").
  void set_public_url(std::string base);

  result<blob_info> put(common::byte_source& source, std::uint64_t max_bytes) override;
  result<blob_info> stat(std::string_view id) override;
  result<std::unique_ptr<blob_reader>> open(std::string_view id, std::uint64_t offset, std::uint64_t length) override;
  void remove(std::string_view id) override;
  std::string download_url(std::string_view id, const link_request& r) override;

 private:
  std::filesystem::path data_path(std::string_view id) const;
  common::millis now() const;

  std::filesystem::path root_;
  const download_links& links_;
  std::function<common::millis()> clock_;
  std::mutex url_mutex_;
  std::string public_url_;
};

// An id this store could have made ("blb_" + 26 base32 digits): anything else never reaches
// the file system, so no id walks out of the store's directory.
bool valid_blob_id(std::string_view id);

}  // namespace mothership::blob
