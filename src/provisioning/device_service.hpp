#pragma once
// A registered device's life after onboarding: connections (online status, last seen, the
// end of onboarding on its first certificate connection), reported state, certificate
// renewal over MQTT, revocation and decommissioning. Every event is audited.
//
// The MQTT-facing calls (on_connected, on_state ...) block on the database: the server runs
// them on one worker strand, in the order the broker saw them.
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "events/event_bus.hpp"
#include "pki/certificate_authority.hpp"
#include "pki/certificate_store.hpp"
#include "pki/revocation_set.hpp"
#include "provisioning/errors.hpp"
#include "provisioning/onboarding_service.hpp"
#include "registry/device_store.hpp"
#include "registry/errors.hpp"
#include "registry/registry_service.hpp"
#include "storage/database.hpp"

namespace mothership::provisioning {

// Ends a device's live MQTT connections at once (the broker's disconnect_identity).
using device_disconnector = std::function<void(const std::string& device_id)>;

struct device_page {
  std::vector<registry::device> items;
  std::optional<std::string> next_after_id;
};

class device_service {
 public:
  device_service(storage::database& db, audit::audit_log& audit, events::event_bus* events,
                 const pki::certificate_authority& ca, pki::revocation_set& revoked, onboarding_service& onboarding,
                 int certificate_days, mqtt_publisher publish, device_disconnector disconnect);

  // At start: every device offline, the revocation set loaded.
  void start();

  void on_connected(const std::string& device_id, const std::string& address);
  void on_disconnected(const std::string& device_id, const std::string& reason);
  // devices/<id>/state: a JSON object; "firmware_version" is kept in its own column.
  void on_state(const std::string& device_id, const std::string& payload);
  // devices/<id>/certificate/renew {"csr"}: answers on devices/<id>/certificate.
  void on_renew(const std::string& device_id, const std::string& payload);

  // Revokes the device's active certificates and disconnects it: how many were revoked (0 when
  // none was active). Fails with errc::device_not_found.
  result<std::size_t> revoke_certificate(const std::string& device_id, const registry::change_author& by);
  // Fails with errc::device_not_found or errc::already_decommissioned.
  result<void> decommission(const std::string& device_id, const registry::change_author& by);

  // Merges `patch` into the device's labels; the result must pass registry::label_issues
  // (otherwise registry::errc::invalid_labels with the issues, and nothing changes). Audited as
  // device.labels with the labels before and after, when they changed. Fails with
  // registry::errc::device_not_found.
  boost::system::result<registry::device, registry::label_refusal> update_labels(const std::string& device_id,
                                                                                 const registry::label_patch& patch,
                                                                                 const registry::change_author& by);

  device_page list(registry::device_store::list_filter f);
  // The dashboard's counts: devices by model and by firmware version (online among them).
  std::vector<registry::device_store::group_count> count_by(registry::device_store::grouping by);
  std::int64_t count(std::optional<bool> online);
  std::optional<registry::device> find(const std::string& id);
  std::vector<pki::certificate_store::certificate_record> certificates(const std::string& device_id);

  // The issuing CA's current revocation list (DER), regenerated after each revocation.
  std::string revocation_list();

 private:
  std::vector<std::string> revoke_in(storage::connection& c, const std::string& device_id, const std::string& reason,
                                     common::millis now);
  void refresh_revocation_list();
  void announce(const registry::device& d);

  storage::database& db_;
  audit::audit_log& audit_;
  events::event_bus* events_;
  const pki::certificate_authority& ca_;
  pki::revocation_set& revoked_;
  onboarding_service& onboarding_;
  int certificate_days_;
  mqtt_publisher publish_;
  device_disconnector disconnect_;
  std::mutex crl_mutex_;
  std::string crl_der_;
  std::int64_t crl_number_ = 0;
};

}  // namespace mothership::provisioning
