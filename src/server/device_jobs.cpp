#include "server/device_jobs.hpp"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_from.hpp>

#include "registry/device_store.hpp"
#include "registry/group_store.hpp"
#include "registry/selector.hpp"

namespace mothership::server {

namespace json = boost::json;

namespace {

json::value seconds_or_null(const std::optional<common::millis>& t) {
  return t ? json::value(*t / 1000) : json::value(nullptr);
}

const json::value* member(const json::object& o, std::string_view key) {
  return o.if_contains(key);
}

// A field a device may send: absent, or of the right type (else the request is refused).
std::optional<std::int64_t> integer_field(const json::object& o, std::string_view key, bool& bad) {
  const auto* v = member(o, key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_int64() && !v->is_uint64()) return bad = true, std::nullopt;
  return v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(v->as_uint64());
}

// How long a throttled device waits before it asks again; devices add their own jitter.
constexpr int throttled_retry_after_s = 5;

}  // namespace

device_jobs::device_jobs(jobs::job_service& jobs, blob::store& blobs, std::chrono::seconds link_ttl, publish_fn publish)
    : jobs_(jobs), blobs_(blobs), link_ttl_(link_ttl), publish_(std::move(publish)) {}

device_jobs::~device_jobs() = default;

json::object device_jobs::document_for(const jobs::execution& e) {
  auto f = jobs_.firmware_of(e.job_id);
  if (!f) return {{"operation", "firmware_update"}};
  auto expires = common::now_ms() / 1000 + link_ttl_.count();
  return {{"operation", "firmware_update"},
          {"firmware",
           {{"id", f->id},
            {"version", f->version},
            {"models", json::value_from(f->models)},
            {"size", static_cast<std::int64_t>(f->size)},
            {"sha256", f->sha256},
            {"signature", f->signature ? json::value(*f->signature) : json::value(nullptr)},
            {"url", blobs_.download_url(f->blob_id, {e.device_id, link_ttl_, f->filename})},
            {"urlExpiresAt", expires}}}};
}

json::object device_jobs::summary_json(const jobs::execution& e) {
  return {{"jobId", e.job_id},
          {"queuedAt", e.queued_at / 1000},
          {"startedAt", seconds_or_null(e.started_at)},
          {"lastUpdatedAt", e.updated_at / 1000},
          {"versionNumber", e.version_number},
          {"executionNumber", e.execution_number}};
}

json::object device_jobs::execution_json(const jobs::execution& e, bool with_document) {
  auto out = summary_json(e);
  out["status"] = jobs::to_string(e.status);
  out["statusDetails"] = json::parse(e.status_details);
  if (e.timeout_at) out["timeoutAt"] = *e.timeout_at / 1000;
  if (with_document) out["jobDocument"] = document_for(e);
  return out;
}

void device_jobs::answer(const std::string& device, const std::string& request_topic, bool accepted, json::object body,
                         const json::value& client_token) {
  body["timestamp"] = common::now_ms() / 1000;
  if (!client_token.is_null()) body["clientToken"] = client_token;
  publish_("devices/" + device + "/jobs/" + request_topic + (accepted ? "/accepted" : "/rejected"),
           json::serialize(body), false);
}

void device_jobs::reject(const std::string& device, const std::string& request_topic, std::string_view code,
                         const std::string& message, const json::value& client_token,
                         const std::optional<jobs::execution>& current) {
  json::object body{{"code", code}, {"message", message}};
  if (current)
    body["executionState"] = {{"status", jobs::to_string(current->status)},
                              {"statusDetails", json::parse(current->status_details)},
                              {"versionNumber", current->version_number}};
  answer(device, request_topic, false, std::move(body), client_token);
}

void device_jobs::on_busy(const device_message& m) {
  std::string_view rest = m.rest;
  if (rest == "notify-next" || rest.ends_with("/accepted") || rest.ends_with("/rejected")) return;
  json::value client_token = nullptr;
  boost::system::error_code ec;
  auto parsed = json::parse(m.payload, ec);
  if (!ec && parsed.is_object())
    if (const auto* token = parsed.as_object().if_contains("clientToken")) client_token = *token;
  json::object body{{"code", "Throttled"},
                    {"message", "the server is busy: ask again after retryAfterSeconds"},
                    {"retryAfterSeconds", throttled_retry_after_s}};
  answer(m.sender, m.rest, false, std::move(body), client_token);
}

void device_jobs::on_request(const device_message& m) {
  const std::string& device = m.sender;
  std::string_view rest = m.rest;
  // Answers and notifications are the server's to send (the broker refuses them from devices
  // and the fleet does not hear its own); nothing under them is a request.
  if (rest == "notify-next" || rest.ends_with("/accepted") || rest.ends_with("/rejected")) return;

  json::object request;
  json::value client_token = nullptr;
  if (!m.payload.empty()) {
    boost::system::error_code ec;
    auto parsed = json::parse(m.payload, ec);
    if (ec || !parsed.is_object())
      return reject(device, m.rest, "InvalidJson", "The payload is not a JSON object.", nullptr);
    request = std::move(parsed.as_object());
    if (const auto* token = member(request, "clientToken")) {
      if (!token->is_string() || token->as_string().size() > 64)
        return reject(device, m.rest, "InvalidRequest", "clientToken must be a string of at most 64 characters.",
                      nullptr);
      client_token = *token;
    }
  }
  bool bad = false;
  jobs::device_update u;
  if (const auto* details = member(request, "statusDetails"); details && !details->is_null()) {
    auto checked = jobs::parse_status_details(*details);
    if (!checked) return reject(device, m.rest, "InvalidRequest", checked.error().message(), client_token);
    u.status_details = *checked;
  }
  u.expected_version = integer_field(request, "expectedVersion", bad);
  u.step_timeout_minutes = integer_field(request, "stepTimeoutInMinutes", bad);
  if (bad)
    return reject(device, m.rest, "InvalidRequest", "expectedVersion and stepTimeoutInMinutes are integers.",
                  client_token);
  if (client_token.is_string()) u.client_token = std::string(client_token.as_string());

  if (rest == "get") {
    json::array in_progress, queued;
    for (const auto& e : jobs_.pending(device))
      (e.status == jobs::execution_status::in_progress ? in_progress : queued).push_back(summary_json(e));
    return answer(device, "get", true, {{"inProgressJobs", std::move(in_progress)}, {"queuedJobs", std::move(queued)}},
                  client_token);
  }
  if (rest == "start-next") {
    auto next = jobs_.start_next(device, u);
    if (!next)
      return reject(device, "start-next", jobs::rejection_code(static_cast<jobs::errc>(next.error().value())),
                    next.error().message(), client_token);
    json::object body;
    if (*next) body["execution"] = execution_json(**next, true);
    return answer(device, "start-next", true, std::move(body), client_token);
  }

  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0)
    return reject(device, m.rest, "InvalidTopic", "Publish to get, start-next, <jobId>/get or <jobId>/update.",
                  client_token);
  std::string job_id(rest.substr(0, slash));
  std::string_view verb = rest.substr(slash + 1);
  if (verb == "get") {
    auto e = jobs_.describe(job_id, device);
    if (!e) return reject(device, m.rest, "ResourceNotFound", e.error().message(), client_token);
    const auto* include = member(request, "includeJobDocument");
    bool with_document = !include || !include->is_bool() || include->as_bool();
    return answer(device, m.rest, true, {{"execution", execution_json(*e, with_document)}}, client_token);
  }
  if (verb == "update") {
    const auto* status = member(request, "status");
    auto to = status && status->is_string() ? jobs::parse_execution_status(status->as_string()) : std::nullopt;
    if (!to)
      return reject(device, m.rest, "InvalidRequest", "status must be IN_PROGRESS, SUCCEEDED, FAILED or REJECTED.",
                    client_token);
    u.status = *to;
    auto updated = jobs_.update(job_id, device, u);
    if (!updated) {
      auto code = static_cast<jobs::errc>(updated.error().value());
      std::optional<jobs::execution> current;
      if (auto now = jobs_.describe(job_id, device)) current = *now;
      return reject(device, m.rest, jobs::rejection_code(code), updated.error().message(), client_token, current);
    }
    json::object body{{"executionState",
                       {{"status", jobs::to_string(updated->status)},
                        {"statusDetails", json::parse(updated->status_details)},
                        {"versionNumber", updated->version_number}}}};
    if (const auto* include = member(request, "includeJobDocument");
        include && include->is_bool() && include->as_bool())
      body["jobDocument"] = document_for(*updated);
    return answer(device, m.rest, true, std::move(body), client_token);
  }
  reject(device, m.rest, "InvalidTopic", "Publish to get, start-next, <jobId>/get or <jobId>/update.", client_token);
}

void device_jobs::notify(const std::vector<std::string>& device_ids) {
  for (const auto& device : device_ids) {
    auto pending = jobs_.pending(device);
    json::object body{{"timestamp", common::now_ms() / 1000}};
    if (!pending.empty()) body["execution"] = execution_json(pending.front(), true);
    publish_("devices/" + device + "/jobs/notify-next", json::serialize(body), true);
  }
}

void device_jobs::on_connected(const std::string& device_id) {
  auto pending = jobs_.pending(device_id);
  if (pending.empty()) return;
  json::object body{{"timestamp", common::now_ms() / 1000}, {"execution", execution_json(pending.front(), true)}};
  publish_("devices/" + device_id + "/jobs/notify-next", json::serialize(body), true);
}

void device_jobs::start_scheduler(boost::asio::io_context& io, post_fn post, std::chrono::milliseconds period) {
  post_ = std::move(post);
  period_ = period;
  timer_ = std::make_unique<boost::asio::steady_timer>(io);
  schedule_tick();
}

void device_jobs::stop_scheduler() {
  if (!timer_) return;
  timer_->cancel();
  timer_.reset();  // here, while its io_context still exists
}

void device_jobs::schedule_tick() {
  if (!timer_) return;
  timer_->expires_after(period_);
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || !timer_) return;
    // One tick at a time: a slow one (a big release) is not stacked behind by the next.
    if (!tick_pending_->exchange(true)) {
      auto pending = tick_pending_;
      bool posted = post_([this, pending] {
        try {
          jobs_.tick();
        } catch (const std::exception& e) {
          spdlog::error("jobs scheduler: {}", e.what());
        }
        pending->store(false);
      });
      if (!posted) tick_pending_->store(false);
    }
    schedule_tick();
  });
}

namespace {

jobs::candidate candidate_of(const registry::device& d) {
  return {d.id, d.model, d.firmware_version, d.online, d.stage == registry::lifecycle::decommissioned};
}

// Every device a filter names, a page at a time.
void add_all(storage::connection& c, registry::device_store::list_filter f, std::vector<jobs::candidate>& out) {
  f.limit = 1000;
  for (;;) {
    auto page = registry::device_store::list(c, f);
    for (const auto& d : page) out.push_back(candidate_of(d));
    if (static_cast<int>(page.size()) < f.limit) return;
    f.after_id = page.back().id;
  }
}

}  // namespace

jobs::resolve_fn registry_targets() {
  return [](storage::connection& c, const jobs::job_targets& t) -> boost::system::result<std::vector<jobs::candidate>> {
    std::vector<jobs::candidate> out;
    for (const auto& id : t.devices) {
      auto d = registry::device_store::find(c, id);
      out.push_back(d ? candidate_of(*d) : jobs::candidate{id, ""});
    }
    for (const auto& group : t.groups) {
      if (!registry::group_store::find(c, group)) return registry::errc::group_not_found;
      registry::device_store::list_filter f;
      f.group_id = group;
      add_all(c, f, out);
    }
    if (!t.selector.empty()) {
      auto parsed = registry::parse_selector(t.selector);
      if (!parsed) return registry::errc::selector_syntax;
      registry::device_store::list_filter f;
      f.selector = *parsed;
      add_all(c, f, out);
    }
    return out;
  };
}

}  // namespace mothership::server
