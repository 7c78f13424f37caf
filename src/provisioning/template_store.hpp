#pragma once
// SQL for provisioning_templates: per model, the labels a newly registered device gets.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "storage/database.hpp"

namespace mothership::provisioning {

struct provisioning_template {
  std::string model;
  std::string labels_json = "{}";
  std::optional<std::string> updated_by;
  common::millis updated_at = 0;
};

namespace template_store {

// The model's labels, or "{}" when it has no template.
std::string labels_for(storage::connection& c, const std::string& model);
std::vector<provisioning_template> list(storage::connection& c);
void save(storage::connection& c, const provisioning_template& t);

}  // namespace template_store
}  // namespace mothership::provisioning
