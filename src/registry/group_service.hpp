#pragma once
// Static device groups: create, rename, describe, delete, add and remove devices, and the
// membership questions a jobs engine asks ("who is in G", "is D in G"). Every change is audited
// in its own transaction (actions group.create, group.update, group.delete, group.add_devices,
// group.remove_device).
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "registry/errors.hpp"
#include "registry/group.hpp"
#include "registry/registry_service.hpp"
#include "storage/database.hpp"

namespace mothership::registry {

struct group_page {
  std::vector<group> items;
  std::optional<std::string> next_after_name;
};

struct group_patch {
  std::optional<std::string> name;
  std::optional<std::string> description;
};

struct add_devices_result {
  std::vector<std::string> added;            // were not members before
  std::vector<std::string> unknown_devices;  // not devices: then nothing was added
};

class group_service {
 public:
  group_service(storage::database& db, audit::audit_log& audit) : db_(db), audit_(audit) {}

  // Names are trimmed, 1 to 64 bytes and unique; descriptions at most 512 bytes.
  // errc::invalid_group, errc::group_name_taken.
  result<group> create(const std::string& name, const std::string& description, const change_author& author);
  result<group> update(const std::string& id, const group_patch& patch, const change_author& author);
  result<void> remove(const std::string& id, const change_author& author);

  group_page list(const std::string& after_name, int limit);
  result<group> find(const std::string& id);

  // At most max_devices_per_change ids (errc::invalid_group past that); all must be devices.
  result<add_devices_result> add_devices(const std::string& id, const std::vector<std::string>& device_ids,
                                         const change_author& author);
  // errc::group_not_found, errc::not_a_member.
  result<void> remove_device(const std::string& id, const std::string& device_id, const change_author& author);

  bool contains(const std::string& group_id, const std::string& device_id);
  std::vector<std::string> member_ids(const std::string& group_id);
  std::vector<group> groups_of(const std::string& device_id);

 private:
  storage::database& db_;
  audit::audit_log& audit_;
};

}  // namespace mothership::registry
