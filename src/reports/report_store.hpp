#pragma once
// SQL for the reports table.
#include <optional>
#include <string>
#include <vector>

#include "reports/report.hpp"
#include "storage/database.hpp"

namespace mothership::reports::report_store {

void insert(storage::connection& c, const report& r);
std::optional<report> find(storage::connection& c, const std::string& id);
// A user's reports, newest first, `before` (created_at, id) for paging.
std::vector<report> list_for(storage::connection& c, const std::string& user_id, int limit,
                             std::optional<std::pair<std::int64_t, std::string>> before);
std::vector<std::string> with_status(storage::connection& c, status s);
std::optional<report> find_by_blob(storage::connection& c, const std::string& blob_id);
// Ready or failed reports whose retention ended before `now`.
std::vector<report> past_retention(storage::connection& c, std::int64_t now, int limit);

void set_running(storage::connection& c, const std::string& id, std::int64_t now);
void set_progress(storage::connection& c, const std::string& id, std::int64_t rows);
void set_ready(storage::connection& c, const std::string& id, std::int64_t rows, std::int64_t bytes,
               const std::string& blob_id, const std::string& sha256, std::int64_t now, std::int64_t expires_at);
void set_failed(storage::connection& c, const std::string& id, const std::string& error, std::int64_t now,
                std::int64_t expires_at);
void set_expired(storage::connection& c, const std::string& id);
// Reports a restart interrupted go back to the queue.
void requeue_running(storage::connection& c);

}  // namespace mothership::reports::report_store
