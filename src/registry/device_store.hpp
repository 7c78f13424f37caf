#pragma once
// SQL for the devices table and its labels (device_labels, kept in step with devices.labels).
#include <optional>
#include <string>
#include <vector>

#include "registry/device.hpp"
#include "registry/labels.hpp"
#include "registry/selector.hpp"
#include "storage/database.hpp"

namespace mothership::registry::device_store {

// Also writes the device's labels (d.labels_json) to device_labels.
void insert(storage::connection& c, const device& d);
std::optional<device> find(storage::connection& c, const std::string& id);

struct list_filter {
  std::string search;  // substring of id, serial or model
  std::optional<bool> online;
  std::optional<lifecycle> stage;
  std::optional<std::string> model;
  std::optional<std::string> label_key, label_value;  // labels[key] == value
  std::optional<registry::selector> selector;
  std::optional<std::string> group_id;  // members of this group
  std::string after_id;                 // cursor
  int limit = 50;
};
std::vector<device> list(storage::connection& c, const list_filter& f);
std::int64_t count(storage::connection& c, std::optional<bool> online);

// Devices (not decommissioned) grouped by one column: how many, and how many online.
struct group_count {
  std::string name;  // "" for a NULL firmware version
  std::int64_t count = 0;
  std::int64_t online = 0;
};
enum class grouping { model, firmware_version };
std::vector<group_count> count_by(storage::connection& c, grouping by);

// Replaces the device's labels (devices.labels and device_labels). The caller checks them
// (label_issues).
void set_labels(storage::connection& c, const std::string& id, const label_map& labels, common::millis now);

void set_lifecycle(storage::connection& c, const std::string& id, lifecycle l, common::millis now);
// A connection opened or closed. The first connection also makes the device active.
void set_online(storage::connection& c, const std::string& id, bool online, common::millis now);
void record_state(storage::connection& c, const std::string& id, const std::string& state_json,
                  const std::optional<std::string>& firmware_version, common::millis now);
void touch(storage::connection& c, const std::string& id, common::millis now);
// At start no device is connected yet, whatever the table says after a crash.
void mark_all_offline(storage::connection& c);

}  // namespace mothership::registry::device_store
