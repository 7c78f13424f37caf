#pragma once
// SQL for firmware and firmware_models. Functions take the caller's connection so that a change
// and its audit entry commit in one transaction.
#include <optional>
#include <string>
#include <vector>

#include "ota/firmware.hpp"
#include "storage/database.hpp"

namespace mothership::ota::firmware_store {

// Throws storage::database_error (constraint) when a model already has the version.
void insert(storage::connection& c, const firmware& f);
std::optional<firmware> find(storage::connection& c, const std::string& id);
// The models among `models` that already have a firmware with `version`.
std::vector<std::string> models_with_version(storage::connection& c, const std::vector<std::string>& models,
                                             const std::string& version);

struct list_filter {
  std::optional<std::string> model;
  // Cursor: the (created_at, id) of the last item of the previous page; newest first.
  std::optional<std::pair<common::millis, std::string>> before;
  int limit = 50;
};
std::vector<firmware> list(storage::connection& c, const list_filter& f);

void update_notes(storage::connection& c, const std::string& id, const std::string& description,
                  const std::string& release_notes);
// Returns false when there was no such firmware.
bool remove(storage::connection& c, const std::string& id);

}  // namespace mothership::ota::firmware_store
