#pragma once
// The device side of `serve`: the platform CA, the manufacturing registry, onboarding and the
// devices' lifecycle, wired to the broker. Before the listeners open it says what they need
// (trust(): TLS material and admission checks); once the broker runs, attach() subscribes to
// what devices send and to their connection events.
//
// Device messages go through a device_topic_router to bounded work lanes on the worker pool,
// never an I/O thread (they write to the database): onboarding hellos on one lane; state,
// certificate renewals and connection events on another, in the order the broker saw them.
#include <memory>
#include <mutex>
#include <optional>

#include "audit/audit_log.hpp"
#include "common/config.hpp"
#include "common/io_pool.hpp"
#include "common/worker_pool.hpp"
#include "events/event_bus.hpp"
#include "mqtt/broker/broker.hpp"
#include "mqtt/broker/fleet_policy.hpp"
#include "mqtt/transport/local_client.hpp"
#include "mqtt/transport/streams.hpp"
#include "pki/certificate_authority.hpp"
#include "pki/revocation_set.hpp"
#include "provisioning/device_service.hpp"
#include "provisioning/onboarding_service.hpp"
#include "registry/claim_codes.hpp"
#include "registry/group_service.hpp"
#include "registry/registry_service.hpp"
#include "server/data_dir.hpp"
#include "server/device_topic_router.hpp"
#include "server/work_lane.hpp"
#include "storage/database.hpp"

namespace mothership::server {

// What the MQTT listeners take from the fleet.
struct device_trust {
  std::string server_chain_file;
  std::string server_key_file;
  std::string client_ca_file;
  mqtt::certificate_identity_fn identity_of;  // only certificates our CA issued name a device
  std::function<mqtt::authentication(const mqtt::credentials&)> verify_claim;
  std::function<mqtt::authentication(const mqtt::credentials&)> verify_factory_certificate;
  std::function<bool(std::string_view serial)> is_revoked;
  std::function<bool(std::string_view serial)> is_registered_serial;  // reads the database
};

class device_fleet {
 public:
  device_fleet(const common::config& cfg, const data_dir& dir, storage::database& db, audit::audit_log& audit,
               events::event_bus& bus);
  ~device_fleet();

  device_trust trust() const;
  // `mqtt_endpoint` is where devices reconnect with their certificate (the bound TLS listener).
  void attach(mqtt::broker& b, common::io_pool& io, common::worker_pool& pool, const std::string& mqtt_endpoint);
  // Before the broker goes: no more events, no more messages.
  void detach();
  // Prometheus lines for the work lanes: queued, handled, dropped, failed.
  void write_metrics(std::string& out) const;

  // The jobs engine's side of the fleet (server/device_jobs): what devices send under
  // devices/<id>/jobs/, and their connections, on a lane of its own. Set before attach().
  struct job_hooks {
    device_topic_router::handler on_request;
    device_topic_router::handler on_busy;  // a request the jobs lane had no room for (any thread)
    std::function<void(const std::string& device_id)> on_connected;
  };
  void set_job_hooks(job_hooks hooks) { job_hooks_ = std::move(hooks); }
  // Runs `work` on the jobs lane (the scheduler's ticks); false when the lane is full or absent.
  bool post_job_work(std::function<void()> work);
  // Publishes as the server (retained or not).
  void publish(const std::string& topic, const std::string& payload, bool retain);

  const pki::certificate_authority& ca() const { return ca_; }
  registry::registry_service& registry() { return registry_; }
  registry::group_service& groups() { return groups_; }
  provisioning::onboarding_service& onboarding() { return onboarding_; }
  provisioning::device_service& devices() { return devices_; }

 private:
  void on_connection_event(const events::event& e);

  const common::config& cfg_;
  const data_dir& dir_;
  pki::certificate_authority ca_;
  pki::revocation_set revoked_;
  registry::claim_codes codes_;
  registry::registry_service registry_;
  registry::group_service groups_;
  provisioning::onboarding_service onboarding_;
  provisioning::device_service devices_;

  mqtt::broker* broker_ = nullptr;
  std::shared_ptr<mqtt::local_client> client_;
  boost::asio::any_io_executor client_executor_;
  std::optional<work_lane> onboarding_lane_;
  std::optional<work_lane> devices_lane_;
  std::optional<work_lane> jobs_lane_;
  job_hooks job_hooks_;
  device_topic_router topics_;
  events::event_bus& bus_;
  events::event_bus::subscription connections_;
};

}  // namespace mothership::server
