#pragma once
// Job status reports that must reach the server: kept in reports.json until the server's
// /accepted (or a final /rejected) for their clientToken arrives, and sent again on every
// connection. A crash or a lost connection between "done" and "acknowledged" therefore loses
// nothing, and the clientToken makes the resend harmless (the server answers it, once applied).

#include <map>
#include <string>
#include <vector>

#include "state_store.hpp"

namespace mothership::agent {

struct job_report {
  std::string job_id;
  std::string status;                          // IN_PROGRESS, SUCCEEDED, FAILED, REJECTED
  std::map<std::string, std::string> details;  // statusDetails
  std::string client_token;
};

class report_outbox {
 public:
  explicit report_outbox(state_store& store);

  // Adds a report (on disk before it returns), replacing an older one for the same job.
  void add(job_report report);
  // Forgets the report with this clientToken; true when there was one.
  bool acknowledge(const std::string& client_token);
  bool holds_job(const std::string& job_id) const;
  bool holds_token(const std::string& client_token) const;
  const std::vector<job_report>& pending() const { return reports_; }

 private:
  void save() const;

  state_store& store_;
  std::vector<job_report> reports_;
};

}  // namespace mothership::agent
