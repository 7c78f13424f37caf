#pragma once
// Firmware updates from the device's side of the job protocol (docs/device-protocol.md "Jobs"):
// takes the execution the server offers, checks that it fits, downloads and verifies the image,
// writes it to the inactive slot, records the trial and asks for a reboot; after the reboot it
// runs the health check and commits the new slot or falls back, and only then reports the end.
// Every report that matters waits in the report_outbox until the server acknowledged it.
//
// It lives for the agent's whole run, across connections: a download goes on while the agent
// reconnects. All its methods run on the agent's control thread.

#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "boot_slots.hpp"
#include "config.hpp"
#include "downloader.hpp"
#include "events.hpp"
#include "mqtt_link.hpp"
#include "report_outbox.hpp"
#include "state_store.hpp"

namespace mothership::agent {

enum class update_step { none, reboot };  // what the agent must do after a call

class updater {
 public:
  using clock = std::chrono::steady_clock;

  updater(const config& cfg, state_store& store, event_queue& events);
  ~updater();

  // At start, before the first connection: plays the boot loader and checks a trial image.
  update_step after_boot();
  std::string running_version() const { return slots_.running_version(); }

  // Subscribes to the device's job topics and sends what the outbox holds. False when the
  // server did not grant the subscription.
  bool on_connected(mqtt_link& link, const std::string& device_id);
  void on_disconnected() { link_ = nullptr; }

  // True for a topic under the device's jobs/ subtree (handled by on_message).
  bool handles(const std::string& topic) const;
  update_step on_message(const message_event& message);
  update_step on_event(const download_progress& progress);
  update_step on_event(const download_finished& finished);
  update_step on_tick(clock::time_point now);
  std::optional<clock::time_point> next_deadline() const;

 private:
  struct firmware_job;

  void consider(const boost::json::object& execution);
  void report(const std::string& job_id, const std::string& status, std::map<std::string, std::string> details,
              bool keep);
  void finish(const std::string& status, std::map<std::string, std::string> details);
  void start_download();
  void abandon_current(const std::string& why);
  update_step install();
  void resend_outbox();
  void send_report(const job_report& r, bool with_step_timeout);
  void acknowledged(const std::string& client_token);

  const config& cfg_;
  state_store& store_;
  event_queue& events_;
  boot_slots slots_;
  report_outbox outbox_;
  mqtt_link* link_ = nullptr;
  std::string base_;  // devices/<id>/jobs/
  std::unique_ptr<firmware_job> current_;
  std::optional<clock::time_point> resend_at_;  // when the outbox goes out again unacknowledged
  std::unique_ptr<download_task> download_;
};

}  // namespace mothership::agent
