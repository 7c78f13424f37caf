#pragma once
// The firmware catalog: uploads (streamed into the blob store, SHA-256 and size computed on
// the way in, signature checked against the configured keys), listing, notes, deletion.
// Every change and every refused upload is audited.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "blob/store.hpp"
#include "common/byte_source.hpp"
#include "ota/errors.hpp"
#include "ota/firmware.hpp"
#include "ota/firmware_store.hpp"
#include "ota/signing_keys.hpp"
#include "storage/database.hpp"

namespace mothership::ota {

// What comes with an image.
struct upload_request {
  std::string version;
  std::vector<std::string> models;
  std::string description;
  std::string release_notes;
  std::string filename;
  std::optional<std::string> signature;  // base64 (standard alphabet) of the DER signature
};

// Who asks, for the audit log.
struct change_author {
  audit::actor by;
  std::string source;  // client address
};

struct catalog_policy {
  std::uint64_t max_image_bytes = std::uint64_t{2} << 30;
  bool require_signature = false;
};

class firmware_catalog {
 public:
  // Whether an active job delivers the firmware (the jobs engine answers; until it is wired,
  // nothing is in use).
  using in_use_fn = std::function<bool(storage::connection&, const std::string& firmware_id)>;

  firmware_catalog(storage::database& db, audit::audit_log& audit, blob::store& blobs, const signing_keys& keys,
                   catalog_policy policy)
      : db_(db), audit_(audit), blobs_(blobs), keys_(keys), policy_(policy) {}

  void set_in_use_check(in_use_fn fn) { in_use_ = std::move(fn); }
  // The models among these that the fleet knows (the registry answers); unset = all are known.
  using known_models_fn =
      std::function<std::vector<std::string>(storage::connection&, const std::vector<std::string>&)>;
  void set_known_models(known_models_fn fn) { known_models_ = std::move(fn); }

  // What can be refused before the image is read: the metadata, a version a model already
  // has, a missing signature or no key to check one. Lets the server answer at once instead of
  // after a 2 GiB upload. upload() checks all of it again.
  result<void> precheck(const upload_request& r);
  // Reads `image` to its end (at most policy.max_image_bytes) into the blob store and records
  // the firmware. On any refusal nothing is kept (blob::errc::too_large / source_failed come
  // from the blob store).
  result<firmware> upload(const upload_request& r, common::byte_source& image, const change_author& author);

  std::vector<firmware> list(const firmware_store::list_filter& f);
  result<firmware> find(const std::string& id);
  result<firmware> update_notes(const std::string& id, const std::optional<std::string>& description,
                                const std::optional<std::string>& release_notes, const change_author& author);
  // errc::firmware_in_use while an active job uses it. The image leaves the blob store after
  // the row is gone, so a crash in between leaves an unreferenced blob, never a dangling row.
  result<void> remove(const std::string& id, const change_author& author);

  // A person fetched the image (or a link to it): audited, since firmware is what an attacker
  // would study. `how` is "download" or "download_link".
  void audit_download(const firmware& f, std::string_view how, const change_author& author);

  blob::store& blobs() { return blobs_; }

 private:
  result<void> check_metadata(const upload_request& r) const;
  void audit_refusal(const upload_request& r, const boost::system::error_code& why, const change_author& author);

  storage::database& db_;
  audit::audit_log& audit_;
  blob::store& blobs_;
  const signing_keys& keys_;
  catalog_policy policy_;
  in_use_fn in_use_;
  known_models_fn known_models_;
};

}  // namespace mothership::ota
