#include "registry/registry_service.hpp"

#include <unordered_map>
#include <unordered_set>

namespace mothership::registry {

namespace {

audit::event record_event(const change_author& author, std::string action, const std::string& serial,
                          boost::json::object details = {}) {
  return {author.by,     std::move(action), "manufacturing_record", serial, audit::outcome::success,
          author.source, std::move(details)};
}

std::string default_batch(common::millis now) {
  auto t = common::to_rfc3339(now);  // 2026-11-26T11:14:25.123Z
  return "import-" + t.substr(0, 19);
}

}  // namespace

import_result registry_service::import_csv(std::string_view csv, std::string batch, const change_author& author) {
  auto now = common::now_ms();
  if (batch.empty()) batch = default_batch(now);
  auto parsed = parse_manufacturing_csv(csv);
  import_result result{0, batch, std::move(parsed.errors)};

  // What is already on record is a bad line too: checked for every line, so one pass over the
  // file reports everything.
  std::vector<std::string> serials, fingerprints;
  for (const auto& l : parsed.lines) {
    serials.push_back(l.serial);
    if (l.factory_cert_sha256) fingerprints.push_back(*l.factory_cert_sha256);
  }
  auto [known_serials, known_fingerprints] = db_.read_result([&](storage::connection& c) {
    auto s = record_store::existing_serials(c, serials);
    auto f = record_store::existing_fingerprints(c, fingerprints);
    return std::make_pair(std::unordered_set<std::string>(s.begin(), s.end()),
                          std::unordered_set<std::string>(f.begin(), f.end()));
  });
  for (const auto& l : parsed.lines) {
    if (known_serials.contains(l.serial))
      result.errors.push_back({l.line, "duplicate serial " + l.serial + ": already in the registry"});
    else if (l.factory_cert_sha256 && known_fingerprints.contains(*l.factory_cert_sha256))
      result.errors.push_back({l.line, "factory_cert_sha256 already in the registry"});
  }
  if (!result.errors.empty() || parsed.lines.empty()) {
    if (result.errors.empty()) result.errors.push_back({0, "the file has no records"});
    std::sort(result.errors.begin(), result.errors.end(),
              [](const line_error& a, const line_error& b) { return a.line < b.line; });
    boost::json::object details{{"batch", batch}, {"bad_lines", result.errors.size()}};
    auto e = record_event(author, "registry.import", batch, std::move(details));
    e.target_type = "registry_batch";
    e.result = audit::outcome::failure;
    audit_.append(e);
    return result;
  }

  db_.write([&](storage::connection& c) {
    for (const auto& l : parsed.lines) {
      manufacturing_record r;
      r.serial = l.serial;
      r.model = l.model;
      r.hw_revision = l.hw_revision;
      if (!l.claim_code.empty()) r.claim_code_hash = codes_.hash(l.serial, l.claim_code);
      r.factory_cert_sha256 = l.factory_cert_sha256;
      r.batch = batch;
      r.imported_at = r.updated_at = now;
      record_store::insert(c, r);
    }
    auto e = record_event(author, "registry.import", batch,
                          {{"batch", batch}, {"imported", static_cast<std::int64_t>(parsed.lines.size())}});
    e.target_type = "registry_batch";
    audit_.append(c, e);
  });
  result.imported = static_cast<std::int64_t>(parsed.lines.size());
  return result;
}

std::vector<manufacturing_record> registry_service::list(const record_store::list_filter& f) {
  return db_.read_result([&](storage::connection& c) { return record_store::list(c, f); });
}

std::optional<manufacturing_record> registry_service::find(const std::string& serial) {
  return db_.read_result([&](storage::connection& c) { return record_store::find(c, serial); });
}

result<void> registry_service::unlock(const std::string& serial, const change_author& author) {
  return db_.write_result([&](storage::connection& c) -> result<void> {
    auto r = record_store::find(c, serial);
    if (!r) return errc::record_not_found;
    auto now = common::now_ms();
    record_store::clear_claim_failures(c, serial, now);
    boost::json::object details{{"by", "admin"},
                                {"failures", r->claim_failures},
                                {"was_locked", r->locked(now)},
                                {"lock_count", r->lock_count}};
    if (r->locked(now)) details["locked_until"] = common::to_rfc3339(*r->locked_until);
    audit_.append(c, record_event(author, "registry.unlock", serial, std::move(details)));
    return {};
  });
}

result<void> registry_service::re_enable(const std::string& serial, const change_author& author) {
  return db_.write_result([&](storage::connection& c) -> result<void> {
    auto r = record_store::find(c, serial);
    if (!r) return errc::record_not_found;
    if (r->status != record_status::decommissioned) return errc::not_decommissioned;
    auto now = common::now_ms();
    record_store::set_status(c, serial, record_status::manufactured, std::nullopt, now);
    record_store::clear_claim_failures(c, serial, now);
    audit_.append(c, record_event(author, "registry.re_enable", serial,
                                  {{"previous_device_id", r->device_id ? *r->device_id : ""}}));
    return {};
  });
}

}  // namespace mothership::registry
