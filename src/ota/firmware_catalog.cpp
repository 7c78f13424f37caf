#include "ota/firmware_catalog.hpp"

#include <algorithm>
#include <set>

#include "common/encoding.hpp"
#include "common/ids.hpp"
#include "ota/semver.hpp"

namespace mothership::ota {

namespace {

constexpr std::size_t max_models = 16;
constexpr std::size_t max_model_length = 64;
constexpr std::size_t max_description = 2000;
constexpr std::size_t max_release_notes = 64000;
constexpr std::size_t max_filename = 255;

bool printable(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

audit::event firmware_event(const change_author& author, std::string action, const std::string& id,
                            boost::json::object details = {}) {
  return {author.by, std::move(action), "firmware", id, audit::outcome::success, author.source, std::move(details)};
}

boost::json::array to_json_array(const std::vector<std::string>& items) {
  boost::json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

}  // namespace

result<void> firmware_catalog::check_metadata(const upload_request& r) const {
  if (!parse_semver(r.version)) return errc::invalid_version;
  if (r.models.empty() || r.models.size() > max_models) return errc::invalid_models;
  for (const auto& m : r.models)
    if (m.empty() || m.size() > max_model_length || !printable(m)) return errc::invalid_models;
  if (std::set<std::string>(r.models.begin(), r.models.end()).size() != r.models.size()) return errc::invalid_models;
  if (r.description.size() > max_description || r.release_notes.size() > max_release_notes ||
      r.filename.size() > max_filename || !printable(r.filename))
    return errc::invalid_metadata;
  if (!r.signature && policy_.require_signature) return errc::signature_required;
  if (r.signature) {
    auto der = common::base64_decode(*r.signature);
    if (!der || !is_ecdsa_signature(*der)) return errc::signature_malformed;
    if (keys_.empty()) return errc::no_signing_keys;
  }
  return {};
}

result<void> firmware_catalog::precheck(const upload_request& r) {
  if (auto ok = check_metadata(r); !ok) return ok;
  return db_.read_result([&](storage::connection& c) -> result<void> {
    if (known_models_ && known_models_(c, r.models).size() != r.models.size()) return errc::unknown_model;
    if (!firmware_store::models_with_version(c, r.models, r.version).empty()) return errc::version_taken;
    return {};
  });
}

result<firmware> firmware_catalog::upload(const upload_request& r, common::byte_source& image,
                                          const change_author& author) {
  if (auto ok = precheck(r); !ok) {
    audit_refusal(r, ok.error(), author);
    return ok.error();
  }
  auto stored = blobs_.put(image, policy_.max_image_bytes);
  if (!stored) {
    audit_refusal(r, stored.error(), author);
    return stored.error();
  }

  firmware f;
  f.id = common::new_id("fw");
  f.version = r.version;
  f.models = r.models;
  std::sort(f.models.begin(), f.models.end());
  f.description = r.description;
  f.release_notes = r.release_notes;
  f.filename = r.filename;
  f.blob_id = stored->id;
  f.size = stored->size;
  f.sha256 = stored->sha256;
  f.uploaded_by = author.by.id;
  f.created_at = stored->created_at;
  if (r.signature) {
    auto digest = common::from_hex(stored->sha256);
    auto signed_by = keys_.verify(digest.value_or(""), common::base64_decode(*r.signature).value_or(""));
    if (!signed_by) {
      blobs_.remove(stored->id);
      audit_refusal(r, errc::signature_invalid, author);
      return errc::signature_invalid;
    }
    f.signature = r.signature;
    f.signed_by = signed_by;
  }

  try {
    db_.write([&](storage::connection& c) {
      firmware_store::insert(c, f);
      audit_.append(c, firmware_event(author, "firmware.upload", f.id,
                                      {{"version", f.version},
                                       {"models", to_json_array(f.models)},
                                       {"size", static_cast<std::int64_t>(f.size)},
                                       {"sha256", f.sha256},
                                       {"signed_by", f.signed_by ? boost::json::value(*f.signed_by) : nullptr}}));
    });
  } catch (const storage::database_error& e) {
    blobs_.remove(stored->id);
    if (e.which() != storage::database_error::kind::constraint) throw;
    // Another upload of the same version committed while this one was streaming.
    audit_refusal(r, errc::version_taken, author);
    return errc::version_taken;
  } catch (...) {
    blobs_.remove(stored->id);
    throw;
  }
  return f;
}

void firmware_catalog::audit_refusal(const upload_request& r, const boost::system::error_code& why,
                                     const change_author& author) {
  auto e = firmware_event(author, "firmware.upload", "",
                          {{"version", r.version}, {"models", to_json_array(r.models)}, {"reason", why.message()}});
  e.result = audit::outcome::failure;
  audit_.append(e);
}

void firmware_catalog::audit_download(const firmware& f, std::string_view how, const change_author& author) {
  audit_.append(firmware_event(author, "firmware." + std::string(how), f.id, {{"version", f.version}}));
}

std::vector<firmware> firmware_catalog::list(const firmware_store::list_filter& f) {
  return db_.read_result([&](storage::connection& c) { return firmware_store::list(c, f); });
}

result<firmware> firmware_catalog::find(const std::string& id) {
  auto f = db_.read_result([&](storage::connection& c) { return firmware_store::find(c, id); });
  if (!f) return errc::firmware_not_found;
  return std::move(*f);
}

result<firmware> firmware_catalog::update_notes(const std::string& id, const std::optional<std::string>& description,
                                                const std::optional<std::string>& release_notes,
                                                const change_author& author) {
  if ((description && description->size() > max_description) ||
      (release_notes && release_notes->size() > max_release_notes))
    return errc::invalid_metadata;
  return db_.write_result([&](storage::connection& c) -> result<firmware> {
    auto f = firmware_store::find(c, id);
    if (!f) return errc::firmware_not_found;
    if (description) f->description = *description;
    if (release_notes) f->release_notes = *release_notes;
    firmware_store::update_notes(c, id, f->description, f->release_notes);
    boost::json::object changed;
    if (description) changed["description"] = true;
    if (release_notes) changed["release_notes"] = true;
    audit_.append(c, firmware_event(author, "firmware.update", id, {{"changed", std::move(changed)}}));
    return std::move(*f);
  });
}

result<void> firmware_catalog::remove(const std::string& id, const change_author& author) {
  auto removed = db_.write_result([&](storage::connection& c) -> result<firmware> {
    auto f = firmware_store::find(c, id);
    if (!f) return errc::firmware_not_found;
    if (in_use_ && in_use_(c, id)) return errc::firmware_in_use;
    firmware_store::remove(c, id);
    audit_.append(c, firmware_event(author, "firmware.delete", id, {{"version", f->version}, {"sha256", f->sha256}}));
    return std::move(*f);
  });
  if (!removed) return removed.error();
  blobs_.remove(removed->blob_id);
  return {};
}

}  // namespace mothership::ota
