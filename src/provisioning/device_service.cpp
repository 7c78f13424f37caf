#include "provisioning/device_service.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "pki/csr.hpp"
#include "registry/record_store.hpp"

namespace mothership::provisioning {

namespace json = boost::json;
using registry::lifecycle;

namespace {

audit::event device_event(const std::string& device_id, std::string action, json::object details = {},
                          std::string source = {}) {
  return {{"device", device_id},   std::move(action), "device",          device_id,
          audit::outcome::success, std::move(source), std::move(details)};
}

json::object labels_object(const registry::label_map& labels) {
  json::object out;
  for (const auto& [key, value] : labels) out[key] = value;
  return out;
}

constexpr long crl_validity_s = 7 * 24 * 60 * 60;

}  // namespace

device_service::device_service(storage::database& db, audit::audit_log& audit, events::event_bus* events,
                               const pki::certificate_authority& ca, pki::revocation_set& revoked,
                               onboarding_service& onboarding, int certificate_days, mqtt_publisher publish,
                               device_disconnector disconnect)
    : db_(db),
      audit_(audit),
      events_(events),
      ca_(ca),
      revoked_(revoked),
      onboarding_(onboarding),
      certificate_days_(certificate_days),
      publish_(std::move(publish)),
      disconnect_(std::move(disconnect)) {}

void device_service::start() {
  auto revoked = db_.write_result([](storage::connection& c) {
    registry::device_store::mark_all_offline(c);
    return pki::certificate_store::revoked(c);
  });
  std::vector<std::string> serials;
  for (const auto& r : revoked) serials.push_back(r.serial);
  revoked_.add_all(serials);
  refresh_revocation_list();
}

void device_service::announce(const registry::device& d) {
  if (!events_) return;
  json::object data{{"id", d.id},
                    {"serial", d.serial},
                    {"model", d.model},
                    {"status", d.online ? "online" : "offline"},
                    {"lifecycle", registry::to_string(d.stage)}};
  if (d.last_seen_at) data["last_seen"] = common::to_rfc3339(*d.last_seen_at);
  if (d.firmware_version) data["firmware_version"] = *d.firmware_version;
  events_->publish({"device.updated", d.id, std::move(data)});
}

void device_service::on_connected(const std::string& device_id, const std::string& address) {
  auto now = common::now_ms();
  bool onboarded = false;  // this connection ended the device's onboarding
  // One transaction for the connection, the end of onboarding and the row the portal is shown.
  auto after = db_.write_result([&](storage::connection& c) {
    auto d = registry::device_store::find(c, device_id);
    if (!d) return d;
    registry::device_store::set_online(c, device_id, true, now);
    audit_.append(c, device_event(device_id, "device.connected", {{"serial", d->serial}}, address));
    if (d->stage == lifecycle::awaiting_certificate) {
      onboarding_.record_completion(c, d->serial, device_id);
      onboarded = true;
    }
    return registry::device_store::find(c, device_id);
  });
  if (!after) return;  // a certificate for a device that is gone: the broker refuses it next time
  if (onboarded) onboarding_.completed(after->serial, device_id);
  announce(*after);
}

void device_service::on_disconnected(const std::string& device_id, const std::string& reason) {
  auto now = common::now_ms();
  auto d = db_.write_result([&](storage::connection& c) {
    auto found = registry::device_store::find(c, device_id);
    if (!found) return found;
    registry::device_store::set_online(c, device_id, false, now);
    audit_.append(c, device_event(device_id, "device.disconnected", {{"reason", reason}}));
    return registry::device_store::find(c, device_id);
  });
  if (d) announce(*d);
}

void device_service::on_state(const std::string& device_id, const std::string& payload) {
  boost::system::error_code ec;
  auto parsed = json::parse(payload, ec);
  if (ec || !parsed.is_object() || payload.size() > 16 * 1024) return;  // not state: nothing to keep
  std::optional<std::string> firmware;
  if (auto* v = parsed.as_object().if_contains("firmware_version"); v && v->is_string())
    firmware = std::string(v->as_string()).substr(0, 64);
  auto now = common::now_ms();
  auto d = db_.write_result([&](storage::connection& c) {
    registry::device_store::record_state(c, device_id, json::serialize(parsed), firmware, now);
    return registry::device_store::find(c, device_id);
  });
  if (d) announce(*d);
}

void device_service::on_renew(const std::string& device_id, const std::string& payload) {
  auto reply_topic = "devices/" + device_id + "/certificate";
  auto reject = [&](const std::string& reason) {
    publish_(reply_topic + "/rejected", json::serialize(json::object{{"reason", reason}}), false);
    auto e = device_event(device_id, "certificate.renew", {{"reason", reason}});
    e.result = audit::outcome::failure;
    audit_.append(e);
  };
  boost::system::error_code ec;
  auto parsed = json::parse(payload, ec);
  const json::string* csr = nullptr;
  if (!ec && parsed.is_object())
    if (auto* v = parsed.as_object().if_contains("csr"); v && v->is_string()) csr = &v->as_string();
  if (!csr) return reject("the request has no \"csr\" (a PEM certificate signing request)");
  auto checked = pki::check_csr(*csr);
  if (!checked) return reject(checked.refusal);
  auto now = common::now_ms();
  auto cert = db_.write_result([&](storage::connection& c) -> std::optional<pki::issued_certificate> {
    auto d = registry::device_store::find(c, device_id);
    if (!d || d->stage == lifecycle::decommissioned) return std::nullopt;
    auto issued = ca_.issue_device(*checked.csr, device_id, certificate_days_);
    pki::certificate_store::insert(c, issued, device_id, now);
    audit_.append(c, device_event(device_id, "certificate.renew",
                                  {{"certificate_serial", issued.serial},
                                   {"key", checked.csr->key_description()},
                                   {"not_after", common::to_rfc3339(issued.not_after_ms)}}));
    return issued;
  });
  if (!cert) return reject("this device cannot be issued a certificate");
  publish_(reply_topic,
           json::serialize(json::object{{"certificate", cert->certificate_pem},
                                        {"chain", ca_.issuing_pem()},
                                        {"not_after", common::to_rfc3339(cert->not_after_ms)}}),
           false);
}

std::vector<std::string> device_service::revoke_in(storage::connection& c, const std::string& device_id,
                                                   const std::string& reason, common::millis now) {
  return pki::certificate_store::revoke_device(c, device_id, reason, now);
}

result<std::size_t> device_service::revoke_certificate(const std::string& device_id,
                                                       const registry::change_author& by) {
  auto now = common::now_ms();
  auto serials = db_.write_result([&](storage::connection& c) -> result<std::vector<std::string>> {
    if (!registry::device_store::find(c, device_id)) return errc::device_not_found;
    auto s = revoke_in(c, device_id, "revoked", now);
    json::array list;
    for (const auto& serial : s) list.emplace_back(serial);
    audit_.append(c, {by.by,
                      "certificate.revoke",
                      "device",
                      device_id,
                      audit::outcome::success,
                      by.source,
                      {{"certificate_serials", std::move(list)}}});
    return s;
  });
  if (!serials) return serials.error();
  // Refused from now on, then dropped: a reconnect in between is refused too.
  revoked_.add_all(*serials);
  disconnect_(device_id);
  refresh_revocation_list();
  return serials->size();
}

result<void> device_service::decommission(const std::string& device_id, const registry::change_author& by) {
  auto now = common::now_ms();
  auto serials = db_.write_result([&](storage::connection& c) -> result<std::vector<std::string>> {
    auto d = registry::device_store::find(c, device_id);
    if (!d) return errc::device_not_found;
    if (d->stage == lifecycle::decommissioned) return errc::already_decommissioned;
    auto serials = revoke_in(c, device_id, "decommissioned", now);
    registry::device_store::set_lifecycle(c, device_id, lifecycle::decommissioned, now);
    registry::record_store::set_status(c, d->serial, registry::record_status::decommissioned, device_id, now);
    onboarding_store::remove(c, d->serial);
    audit_.append(c, {by.by,
                      "device.decommission",
                      "device",
                      device_id,
                      audit::outcome::success,
                      by.source,
                      {{"serial", d->serial}, {"revoked_certificates", serials.size()}}});
    return serials;
  });
  if (!serials) return serials.error();
  revoked_.add_all(*serials);
  disconnect_(device_id);
  refresh_revocation_list();
  if (auto d = find(device_id)) announce(*d);
  return {};
}

boost::system::result<registry::device, registry::label_refusal> device_service::update_labels(
    const std::string& device_id, const registry::label_patch& patch, const registry::change_author& by) {
  using refusal = registry::label_refusal;
  auto after = db_.write_result([&](storage::connection& c) -> boost::system::result<registry::device, refusal> {
    // Merged inside the write transaction, so that two patches of different keys both count.
    auto before = registry::device_store::find(c, device_id);
    if (!before) return refusal{registry::errc::device_not_found, {}};
    auto old_labels = registry::parse_labels_json(before->labels_json);
    auto new_labels = registry::apply_patch(old_labels, patch);
    if (auto issues = registry::label_issues(new_labels); !issues.empty())
      return refusal{registry::errc::invalid_labels, std::move(issues)};
    if (new_labels == old_labels) return *before;
    registry::device_store::set_labels(c, device_id, new_labels, common::now_ms());
    auto e = device_event(device_id, "device.labels",
                          {{"from", labels_object(old_labels)}, {"to", labels_object(new_labels)}}, by.source);
    e.by = by.by;
    audit_.append(c, e);
    return *registry::device_store::find(c, device_id);
  });
  if (after) announce(*after);
  return after;
}

std::vector<registry::device_store::group_count> device_service::count_by(registry::device_store::grouping by) {
  return db_.read_result([&](storage::connection& c) { return registry::device_store::count_by(c, by); });
}

std::int64_t device_service::count(std::optional<bool> online) {
  return db_.read_result([&](storage::connection& c) { return registry::device_store::count(c, online); });
}

device_page device_service::list(registry::device_store::list_filter f) {
  int limit = f.limit;
  f.limit = limit + 1;
  auto items = db_.read_result([&](storage::connection& c) { return registry::device_store::list(c, f); });
  device_page page;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(static_cast<std::size_t>(limit));
    page.next_after_id = items.back().id;
  }
  page.items = std::move(items);
  return page;
}

std::optional<registry::device> device_service::find(const std::string& id) {
  return db_.read_result([&](storage::connection& c) { return registry::device_store::find(c, id); });
}

std::vector<pki::certificate_store::certificate_record> device_service::certificates(const std::string& device_id) {
  return db_.read_result([&](storage::connection& c) { return pki::certificate_store::for_device(c, device_id); });
}

void device_service::refresh_revocation_list() {
  auto revoked = db_.read_result([](storage::connection& c) { return pki::certificate_store::revoked(c); });
  std::lock_guard lock(crl_mutex_);
  // The CRL number must only grow, across restarts too: the time in milliseconds does.
  crl_number_ = std::max(crl_number_ + 1, common::now_ms());
  crl_der_ = ca_.revocation_list_der(revoked, crl_number_, crl_validity_s);
}

std::string device_service::revocation_list() {
  std::lock_guard lock(crl_mutex_);
  return crl_der_;
}

}  // namespace mothership::provisioning
