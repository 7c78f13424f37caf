#include "report_outbox.hpp"
#include "json_fields.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace mothership::agent {

namespace json = boost::json;

namespace {

constexpr const char* outbox_file = "reports.json";

}  // namespace

report_outbox::report_outbox(state_store& store) : store_(store) {
  auto text = read_file(store_.path(outbox_file));
  if (!text) return;
  boost::system::error_code ec;
  auto doc = json::parse(*text, ec);
  if (ec || !doc.is_array()) return;  // written atomically, so only a hand edit gets here
  for (const auto& v : doc.as_array()) {
    if (!v.is_object()) continue;
    const auto& o = v.as_object();
    job_report r{text_of(o, "job_id"), text_of(o, "status"), {}, text_of(o, "client_token")};
    if (const auto* d = o.if_contains("details"); d && d->is_object())
      for (const auto& [key, value] : d->as_object())
        if (value.is_string()) r.details[std::string(key)] = std::string(value.as_string());
    if (!r.job_id.empty() && !r.status.empty()) reports_.push_back(std::move(r));
  }
}

void report_outbox::add(job_report report) {
  std::erase_if(reports_, [&](const job_report& r) { return r.job_id == report.job_id; });
  reports_.push_back(std::move(report));
  save();
}

bool report_outbox::acknowledge(const std::string& client_token) {
  if (std::erase_if(reports_, [&](const job_report& r) { return r.client_token == client_token; }) == 0) return false;
  save();
  return true;
}

bool report_outbox::holds_job(const std::string& job_id) const {
  return std::any_of(reports_.begin(), reports_.end(), [&](const job_report& r) { return r.job_id == job_id; });
}

bool report_outbox::holds_token(const std::string& client_token) const {
  return std::any_of(reports_.begin(), reports_.end(),
                     [&](const job_report& r) { return r.client_token == client_token; });
}

void report_outbox::save() const {
  json::array doc;
  for (const auto& r : reports_) {
    json::object details;
    for (const auto& [key, value] : r.details) details[key] = value;
    doc.push_back(json::object{
        {"job_id", r.job_id}, {"status", r.status}, {"details", std::move(details)}, {"client_token", r.client_token}});
  }
  store_.write_atomically(outbox_file, json::serialize(doc) + "\n");
}

}  // namespace mothership::agent
