#include "updater.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "image_signature.hpp"
#include "json_fields.hpp"
#include "shell_command.hpp"

namespace mothership::agent {

namespace json = boost::json;

namespace {

constexpr int max_download_attempts = 10;
// A report without an answer is sent again after this (the answer, or the report, was lost).
constexpr auto unanswered_resend = std::chrono::seconds(30);
constexpr auto publish_wait = std::chrono::seconds(5);

std::string new_client_token() {
  unsigned char bytes[12];
  RAND_bytes(bytes, sizeof bytes);
  static const char* hex = "0123456789abcdef";
  std::string out = "agent-";
  for (unsigned char b : bytes) out += {hex[b >> 4], hex[b & 15]};
  return out;
}

// statusDetails values are at most 1024 characters each (the server refuses more).
std::string clipped(std::string text) {
  if (text.size() > 1000) text = text.substr(0, 997) + "...";
  return text;
}

// Copies an image into its slot file: a temporary name, fsync, rename, so that a crash never
// leaves a half image under the slot's name.
void write_slot(const std::string& from, const std::string& to) {
  std::filesystem::create_directories(std::filesystem::path(to).parent_path());
  auto temp = to + ".tmp";
  std::filesystem::copy_file(from, temp, std::filesystem::copy_options::overwrite_existing);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) throw std::runtime_error("cannot sync " + temp + ": " + std::strerror(errno));
  ::close(fd);
  std::filesystem::rename(temp, to);
  int dir = ::open(std::filesystem::path(to).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) ::fsync(dir), ::close(dir);
}

}  // namespace

// The execution being worked on, from its job document.
struct updater::firmware_job {
  std::string job_id;
  std::string version;
  std::uint64_t size = 0;
  std::string sha256;
  std::string signature;  // base64; empty when the image is unsigned
  std::string url;
  int attempts = 0;                           // downloads started
  std::optional<clock::time_point> retry_at;  // the next attempt after a failed one
  bool waiting_for_link = false;              // asked <jobId>/get for a fresh download link
  bool asked_for_link = false;
  int percent_sent = -1;
  clock::time_point percent_sent_at{};
};

updater::updater(const config& cfg, state_store& store, event_queue& events)
    : cfg_(cfg), store_(store), events_(events), slots_(store, cfg.firmware_version), outbox_(store) {}

updater::~updater() = default;

update_step updater::after_boot() {
  switch (slots_.boot(cfg_.boot_tries)) {
    case boot_outcome::normal:
      return update_step::none;
    case boot_outcome::fell_back: {
      const auto& t = *slots_.abandoned_trial();
      auto why = "the new image " + t.version + " did not pass its health check within " +
                 std::to_string(cfg_.boot_tries) + " boots; slot " + slots_.running_slot() + " (" +
                 slots_.running_version() + ") runs again";
      spdlog::error("{}", why);
      outbox_.add({t.job_id, "FAILED", {{"step", "rollback"}, {"reason", clipped(why)}}, t.client_token});
      slots_.save();
      return update_step::none;
    }
    case boot_outcome::trial:
      break;
  }
  const auto t = *slots_.trial();
  spdlog::info("booted slot {} on trial with {} (job {}, boot {} of at most {})", t.slot, t.version, t.job_id, t.tries,
               cfg_.boot_tries);
  std::string failure;
  if (cfg_.install_command.empty()) {
    // The simulated pair: the slot that booted must hold the image the job installed.
    std::string found;
    try {
      found = sha256_of_file(slots_.image_path(t.slot));
    } catch (const std::runtime_error& e) {
      found = e.what();
    }
    if (found != t.sha256) failure = "slot " + t.slot + " does not hold the image installed (" + found + ")";
  }
  if (failure.empty() && !cfg_.health_check_command.empty()) {
    auto result = run_shell_command(cfg_.health_check_command,
                                    {{"MOTHERSHIP_SLOT", t.slot},
                                     {"MOTHERSHIP_IMAGE", slots_.image_path(t.slot)},
                                     {"MOTHERSHIP_FIRMWARE_VERSION", t.version}},
                                    std::chrono::seconds(cfg_.health_check_timeout_s));
    if (!result.ran || result.exit_code != 0) failure = "the health check failed (" + describe(result) + ")";
  }
  if (failure.empty()) {
    // The report first: a crash before commit() boots the trial again and reports the same.
    outbox_.add({t.job_id, "SUCCEEDED", {{"step", "confirm"}, {"version", t.version}}, t.client_token});
    slots_.commit();
    spdlog::info("{} passed its health check: slot {} is the one that boots from now on", t.version, t.slot);
    return update_step::none;
  }
  auto why = failure + "; rolled back to " + slots_.inactive_slot();
  spdlog::error("{} {}: {}", t.version, "on trial", why);
  outbox_.add({t.job_id, "FAILED", {{"step", "rollback"}, {"reason", clipped(why)}}, t.client_token});
  slots_.abandon();
  return update_step::reboot;  // into the old slot
}

bool updater::handles(const std::string& topic) const {
  return !base_.empty() && topic.starts_with(base_);
}

bool updater::on_connected(mqtt_link& link, const std::string& device_id) {
  base_ = "devices/" + device_id + "/jobs/";
  if (!link.subscribe({base_ + "#"}, 1, std::chrono::seconds(10))) return false;
  link_ = &link;
  resend_outbox();
  return true;
}

void updater::resend_outbox() {
  resend_at_.reset();
  for (const auto& r : outbox_.pending()) send_report(r, false);
}

// Publishes a report; a kept one (in the outbox) goes again after unanswered_resend unless an
// answer comes first.
void updater::send_report(const job_report& r, bool with_step_timeout) {
  json::object details;
  for (const auto& [key, value] : r.details) details[key] = value;
  json::object body{{"status", r.status}, {"statusDetails", std::move(details)}, {"clientToken", r.client_token}};
  if (with_step_timeout) body["stepTimeoutInMinutes"] = cfg_.download_step_timeout_min;
  if (!link_) return;
  link_->publish(base_ + r.job_id + "/update", json::serialize(body), 1, false);
  if (!outbox_.holds_token(r.client_token)) return;
  spdlog::info("reporting {} for job {} (kept until the server acknowledges it)", r.status, r.job_id);
  if (!resend_at_) resend_at_ = clock::now() + unanswered_resend;
}

void updater::report(const std::string& job_id, const std::string& status, std::map<std::string, std::string> details,
                     bool keep) {
  job_report r{job_id, status, std::move(details), new_client_token()};
  if (keep) outbox_.add(r);
  // The first report of a download sets how long the server waits for the next.
  send_report(r, !keep && status == "IN_PROGRESS" && current_ && current_->percent_sent < 0);
}

void updater::finish(const std::string& status, std::map<std::string, std::string> details) {
  if (!current_) return;
  spdlog::log(status == "SUCCEEDED" ? spdlog::level::info : spdlog::level::warn, "job {}: {} {}", current_->job_id,
              status, details.contains("reason") ? details["reason"] : "");
  auto job_id = current_->job_id;
  download_.reset();
  current_.reset();
  report(job_id, status, std::move(details), true);
}

update_step updater::on_message(const message_event& message) {
  auto rest = message.topic.substr(base_.size());
  if (message.payload.empty()) return update_step::none;  // a retained message being cleared
  auto body = parse_object(message.payload);
  if (!body) return update_step::none;
  if (rest == "notify-next") {
    const auto* execution = body->if_contains("execution");
    if (execution && execution->is_object()) {
      consider(execution->as_object());
    } else if (current_) {
      abandon_current("the server has nothing for this device any more (the job was canceled)");
    }
    return update_step::none;
  }
  auto slash = rest.find('/');
  if (slash == std::string::npos) return update_step::none;
  auto job_id = rest.substr(0, slash), answer = rest.substr(slash + 1);
  auto token = text_of(*body, "clientToken");
  if (answer == "update/accepted") {
    for (const auto& r : outbox_.pending())
      if (r.client_token == token) spdlog::info("the server acknowledged {} for job {}", r.status, job_id);
    acknowledged(token);
  } else if (answer.ends_with("/rejected") && text_of(*body, "code") == "Throttled") {
    // The server is busy: a kept report goes again after the pause it asks for (plus jitter,
    // so that a fleet does not come back at once); a lost progress report does no harm.
    auto after = body->if_contains("retryAfterSeconds");
    auto pause =
        std::chrono::seconds(after && after->is_int64() ? std::clamp<std::int64_t>(after->as_int64(), 1, 3600) : 5);
    unsigned char jitter = 0;
    RAND_bytes(&jitter, 1);
    if (outbox_.holds_token(token)) resend_at_ = clock::now() + pause + std::chrono::milliseconds(jitter * 12);
    if (answer == "get/rejected" && current_ && current_->job_id == job_id && current_->waiting_for_link) {
      current_->waiting_for_link = current_->asked_for_link = false;  // the next attempt asks again
      current_->retry_at = clock::now() + pause;
    }
  } else if (answer == "update/rejected") {
    // Sending it again would get the same answer: the execution ended, or it is not ours.
    auto code = text_of(*body, "code");
    spdlog::warn("the server refused an update of job {}: {} ({})", job_id, code, text_of(*body, "message"));
    acknowledged(token);
    if (current_ && current_->job_id == job_id && code != "InvalidRequest")
      abandon_current("the server ended the execution (" + code + ")");
  } else if (answer == "get/accepted" && current_ && current_->job_id == job_id && current_->waiting_for_link) {
    const auto* execution = body->if_contains("execution");
    const auto* document =
        execution && execution->is_object() ? execution->as_object().if_contains("jobDocument") : nullptr;
    const auto* firmware = document && document->is_object() ? document->as_object().if_contains("firmware") : nullptr;
    if (firmware && firmware->is_object()) {
      current_->url = text_of(firmware->as_object(), "url");
      current_->waiting_for_link = false;
      spdlog::info("job {}: got a fresh download link; resuming", job_id);
      start_download();
    }
  }
  return update_step::none;
}

void updater::consider(const json::object& execution) {
  auto job_id = text_of(execution, "jobId");
  auto status = text_of(execution, "status");
  if (job_id.empty() || (status != "QUEUED" && status != "IN_PROGRESS")) return;
  // What this device already did for the job wins over a notification sent before it was told.
  if (outbox_.holds_job(job_id) || (slots_.trial() && slots_.trial()->job_id == job_id)) return;
  if (current_ && current_->job_id == job_id) return;
  if (current_) abandon_current("the server offers job " + job_id + " instead");

  const auto* document = execution.if_contains("jobDocument");
  const auto* firmware = document && document->is_object() ? document->as_object().if_contains("firmware") : nullptr;
  if (!document || !document->is_object() || text_of(document->as_object(), "operation") != "firmware_update" ||
      !firmware || !firmware->is_object()) {
    report(job_id, "REJECTED", {{"reason", "this agent takes firmware_update jobs only"}}, true);
    return;
  }
  const auto& f = firmware->as_object();
  auto job = std::make_unique<firmware_job>();
  job->job_id = job_id;
  job->version = text_of(f, "version");
  job->sha256 = text_of(f, "sha256");
  job->signature = text_of(f, "signature");
  job->url = text_of(f, "url");
  if (const auto* size = f.if_contains("size"); size && size->is_int64() && size->as_int64() > 0)
    job->size = static_cast<std::uint64_t>(size->as_int64());

  std::string refusal;
  if (const auto* models = f.if_contains("models"); models && models->is_array()) {
    const auto& list = models->as_array();
    bool fits = std::any_of(list.begin(), list.end(),
                            [&](const json::value& m) { return m.is_string() && m.as_string() == cfg_.model; });
    if (!fits) refusal = "the firmware is not for model " + cfg_.model;
  }
  if (refusal.empty() && job->version == running_version()) refusal = "this device already runs " + job->version;
  if (refusal.empty() && !cfg_.update_signing_key.empty() && job->signature.empty())
    refusal = "the image is not signed, and this device installs signed images only";
  if (refusal.empty() && (job->size == 0 || job->sha256.size() != 64))
    refusal = "the job document has no size or SHA-256";
  if (!refusal.empty()) {
    spdlog::warn("job {}: rejecting: {}", job_id, refusal);
    report(job_id, "REJECTED", {{"reason", refusal}}, true);
    return;
  }
  spdlog::info("job {}: updating {} -> {} ({} bytes)", job_id, running_version(), job->version, job->size);
  current_ = std::move(job);
  if (!current_->url.starts_with("https://")) {
    finish("FAILED",
           {{"step", "download"}, {"reason", "the download link is not HTTPS (the server needs http.tls_listen)"}});
    return;
  }
  report(job_id, "IN_PROGRESS", {{"step", "download"}, {"percent", "0"}}, false);
  current_->percent_sent = 0;
  current_->percent_sent_at = clock::now();
  start_download();
}

void updater::start_download() {
  auto& job = *current_;
  std::filesystem::create_directories(store_.path("downloads"));
  auto part = store_.path("downloads/" + job.sha256 + ".part");
  struct stat st {};
  if (::stat(part.c_str(), &st) == 0 && st.st_size > 0)
    spdlog::info("job {}: resuming the download at {} of {} bytes", job.job_id, st.st_size, job.size);
  ++job.attempts;
  job.retry_at.reset();
  auto ca = read_file(store_.ca_path());
  download_.reset();  // the previous attempt's thread, if any, ends first
  download_ = std::make_unique<download_task>(
      download_request{job.job_id, job.url, part, job.size, job.sha256,
                       ca && !ca->empty() ? store_.ca_path() : cfg_.ca_file, store_.certificate_path(),
                       store_.key_path(), cfg_.download_max_bytes_per_s},
      events_);
}

void updater::abandon_current(const std::string& why) {
  spdlog::warn("job {}: stopping: {}", current_->job_id, why);
  download_.reset();
  ::unlink(store_.path("downloads/" + current_->sha256 + ".part").c_str());
  current_.reset();
}

update_step updater::on_event(const download_progress& progress) {
  if (!current_ || current_->job_id != progress.job_id || progress.total == 0) return update_step::none;
  int percent = static_cast<int>(progress.have * 100 / progress.total);
  auto now = clock::now();
  // Often enough to watch, rarely enough for a fleet: every 5 % or 10 s, whichever comes first.
  if (percent != current_->percent_sent &&
      (percent - current_->percent_sent >= 5 || now - current_->percent_sent_at >= std::chrono::seconds(10))) {
    report(current_->job_id, "IN_PROGRESS", {{"step", "download"}, {"percent", std::to_string(percent)}}, false);
    current_->percent_sent = percent;
    current_->percent_sent_at = now;
    spdlog::debug("job {}: downloaded {} %", current_->job_id, percent);
  }
  return update_step::none;
}

update_step updater::on_event(const download_finished& finished) {
  if (!current_ || current_->job_id != finished.job_id) return update_step::none;
  auto& job = *current_;
  if (!finished.complete) {
    if ((finished.http_status == 403 || finished.http_status == 404) && !job.asked_for_link) {
      // Most likely the link expired: ask for the execution again, with a fresh one.
      spdlog::info("job {}: the download link was refused ({}); asking for a fresh one", job.job_id,
                   finished.http_status);
      job.asked_for_link = job.waiting_for_link = true;
      if (link_)
        link_->publish(base_ + job.job_id + "/get",
                       json::serialize(json::object{{"includeJobDocument", true}, {"clientToken", new_client_token()}}),
                       1, false);
      return update_step::none;
    }
    if (finished.http_status >= 400 || job.attempts >= max_download_attempts) {
      finish("FAILED", {{"step", "download"},
                        {"reason", clipped("the download failed after " + std::to_string(job.attempts) +
                                           " attempts: " + finished.error)}});
      return update_step::none;
    }
    auto wait = std::chrono::seconds(std::min(60, 1 << std::min(job.attempts, 6)));
    spdlog::warn("job {}: the download broke off ({}); resuming in {} s", job.job_id, finished.error, wait.count());
    job.retry_at = clock::now() + wait;
    return update_step::none;
  }
  auto part = store_.path("downloads/" + job.sha256 + ".part");
  if (finished.sha256 != job.sha256) {
    ::unlink(part.c_str());
    finish("FAILED", {{"step", "verify"},
                      {"reason", "the image's SHA-256 is " + finished.sha256 + ", the job says " + job.sha256}});
    return update_step::none;
  }
  if (!cfg_.update_signing_key.empty()) {
    if (auto bad = check_image_signature(cfg_.update_signing_key, job.sha256, job.signature)) {
      ::unlink(part.c_str());
      finish("FAILED", {{"step", "verify"}, {"reason", *bad}});
      return update_step::none;
    }
  }
  spdlog::info("job {}: downloaded and verified {} (SHA-256 {}{})", job.job_id, job.version, job.sha256,
               cfg_.update_signing_key.empty() ? "" : ", signature good");
  return install();
}

update_step updater::install() {
  auto& job = *current_;
  auto part = store_.path("downloads/" + job.sha256 + ".part");
  auto slot = slots_.inactive_slot();
  report(job.job_id, "IN_PROGRESS", {{"step", "install"}, {"percent", "100"}}, false);
  if (!cfg_.install_command.empty()) {
    auto result = run_shell_command(
        cfg_.install_command,
        {{"MOTHERSHIP_IMAGE", part}, {"MOTHERSHIP_SLOT", slot}, {"MOTHERSHIP_FIRMWARE_VERSION", job.version}},
        std::chrono::seconds(3600));
    if (!result.ran || result.exit_code != 0) {
      finish("FAILED", {{"step", "install"}, {"reason", clipped("the install command failed: " + describe(result))}});
      return update_step::none;
    }
  } else {
    try {
      write_slot(part, slots_.image_path(slot));
    } catch (const std::exception& e) {
      finish("FAILED", {{"step", "install"}, {"reason", clipped(std::string("cannot write the slot: ") + e.what())}});
      return update_step::none;
    }
  }
  ::unlink(part.c_str());
  // Recorded before the reboot: the boot that follows knows it is a trial and what to report.
  slots_.start_trial({slot, job.job_id, new_client_token(), job.version, job.sha256, 0});
  spdlog::info("job {}: {} is in slot {}; rebooting into it on trial", job.job_id, job.version, slot);
  report(job.job_id, "IN_PROGRESS", {{"step", "reboot"}, {"percent", "100"}}, false);
  if (link_) link_->wait_published(publish_wait);
  download_.reset();
  current_.reset();
  return update_step::reboot;
}

void updater::acknowledged(const std::string& client_token) {
  outbox_.acknowledge(client_token);
  if (outbox_.pending().empty()) resend_at_.reset();
}

update_step updater::on_tick(clock::time_point now) {
  if (current_ && current_->retry_at && now >= *current_->retry_at) start_download();
  if (resend_at_ && now >= *resend_at_) resend_outbox();
  return update_step::none;
}

std::optional<updater::clock::time_point> updater::next_deadline() const {
  std::optional<clock::time_point> next = resend_at_;
  if (current_ && current_->retry_at && (!next || *current_->retry_at < *next)) next = current_->retry_at;
  return next;
}

}  // namespace mothership::agent
