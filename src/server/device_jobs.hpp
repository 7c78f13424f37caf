#pragma once
// The device job protocol over MQTT (docs/device-protocol.md "Jobs"), shaped like AWS IoT
// Jobs: a device publishes requests under devices/<id>/jobs/ (get, start-next, <jobId>/get,
// <jobId>/update) and gets each answer on the request's topic + /accepted or /rejected with a
// reason code; the server pushes devices/<id>/jobs/notify-next, retained, whenever what the
// device should do next changes and whenever it connects. A device reaches only its own
// executions: its id is the topic's, which the broker checked against its certificate.
//
// The job document carries the firmware (version, size, SHA-256, signature) and a signed
// download URL made for that device, new on every answer, so an expired one is refreshed by
// asking again.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "blob/store.hpp"
#include "jobs/job_service.hpp"
#include "server/device_topic_router.hpp"

namespace mothership::server {

class device_jobs {
 public:
  using publish_fn = std::function<void(const std::string& topic, const std::string& payload, bool retain)>;
  // Runs work in order with the devices' job requests (the fleet's jobs lane); false when full.
  using post_fn = std::function<bool(std::function<void()>)>;

  device_jobs(jobs::job_service& jobs, blob::store& blobs, std::chrono::seconds link_ttl, publish_fn publish);
  ~device_jobs();

  // A request: `m.sender` is the device, `m.rest` what follows devices/<id>/jobs/.
  void on_request(const device_message& m);
  // A request there was no room for (the jobs lane is full): answered at once, on the caller's
  // thread, with `Throttled` and a `retryAfterSeconds`, so the device asks again instead of
  // waiting for an answer that would never come.
  void on_busy(const device_message& m);
  // notify-next to each device (what it should do next, or nothing).
  void notify(const std::vector<std::string>& device_ids);
  // On a device's connection: notify-next when it has something to do (a device with no job
  // hears nothing; one whose last job ended already holds the retained "nothing").
  void on_connected(const std::string& device_id);

  // The scheduler: a tick every `period` on `io`, run through `post`. Stop it before `io` is
  // destroyed (its timer lives on it).
  void start_scheduler(boost::asio::io_context& io, post_fn post, std::chrono::milliseconds period);
  void stop_scheduler();

 private:
  boost::json::object execution_json(const jobs::execution& e, bool with_document);
  boost::json::object summary_json(const jobs::execution& e);
  boost::json::object document_for(const jobs::execution& e);
  void answer(const std::string& device, const std::string& request_topic, bool accepted, boost::json::object body,
              const boost::json::value& client_token);
  void reject(const std::string& device, const std::string& request_topic, std::string_view code,
              const std::string& message, const boost::json::value& client_token,
              const std::optional<jobs::execution>& current = std::nullopt);
  void schedule_tick();

  jobs::job_service& jobs_;
  blob::store& blobs_;
  std::chrono::seconds link_ttl_;
  publish_fn publish_;
  std::unique_ptr<boost::asio::steady_timer> timer_;
  post_fn post_;
  std::chrono::milliseconds period_{1000};
  std::shared_ptr<std::atomic<bool>> tick_pending_ = std::make_shared<std::atomic<bool>>(false);
};

// What a job's targets name, for jobs::job_service: devices by id, the members of static
// groups and the devices a label selector matches, from the registry (their union; a device
// named twice counts once).
jobs::resolve_fn registry_targets();

}  // namespace mothership::server
