#include "boot_slots.hpp"
#include "json_fields.hpp"

#include <boost/json.hpp>
#include <stdexcept>

namespace mothership::agent {

namespace json = boost::json;

namespace {

constexpr const char* boot_file = "boot.json";

int index_of(const std::string& slot) {
  return slot == "b" ? 1 : 0;
}

}  // namespace

boot_slots::boot_slots(state_store& store, std::string factory_version)
    : store_(store), factory_version_(std::move(factory_version)) {
  slots_[0].version = factory_version_;
}

boot_outcome boot_slots::boot(int boot_tries) {
  auto text = read_file(store_.path(boot_file));
  if (!text) {
    save();  // the first start: the factory image runs in slot a
    return boot_outcome::normal;
  }
  boost::system::error_code ec;
  auto doc = json::parse(*text, ec);
  if (ec || !doc.is_object())
    throw std::runtime_error(store_.path(boot_file) + " is damaged: the boot state cannot be read");
  const auto& o = doc.as_object();
  active_ = text_of(o, "active") == "b" ? "b" : "a";
  if (const auto* slots = o.if_contains("slots"); slots && slots->is_object())
    for (const char* name : {"a", "b"})
      if (const auto* s = slots->as_object().if_contains(name); s && s->is_object())
        slots_[index_of(name)] = {text_of(s->as_object(), "version"), text_of(s->as_object(), "sha256")};
  if (slots_[0].version.empty() && slots_[1].version.empty()) slots_[0].version = factory_version_;
  running_ = active_;
  const auto* t = o.if_contains("trial");
  if (!t || !t->is_object()) return boot_outcome::normal;
  const auto& to = t->as_object();
  boot_trial trial{text_of(to, "slot"),    text_of(to, "job_id"), text_of(to, "client_token"),
                   text_of(to, "version"), text_of(to, "sha256"), 0};
  if (const auto* tries = to.if_contains("tries"); tries && tries->is_int64())
    trial.tries = static_cast<int>(tries->as_int64());
  ++trial.tries;
  if (trial.tries > boot_tries) {
    abandoned_ = std::move(trial);  // the boot loader's bootcount ran out: back to the old slot
    return boot_outcome::fell_back;
  }
  running_ = trial.slot;
  trial_ = std::move(trial);
  save();  // the count is on disk before the image gets a chance to crash
  return boot_outcome::trial;
}

std::string boot_slots::running_version() const {
  return slots_[index_of(running_)].version;
}

std::string boot_slots::image_path(const std::string& slot) const {
  return store_.path("slots/" + slot + ".img");
}

void boot_slots::start_trial(const boot_trial& trial) {
  slots_[index_of(trial.slot)] = {trial.version, trial.sha256};
  trial_ = trial;
  trial_->tries = 0;
  save();
}

void boot_slots::commit() {
  if (!trial_) return;
  active_ = trial_->slot;
  trial_.reset();
  save();
}

void boot_slots::abandon() {
  abandoned_ = trial_;
  trial_.reset();
  save();
}

void boot_slots::save() const {
  json::object slots;
  for (const char* name : {"a", "b"}) {
    const auto& s = slots_[index_of(name)];
    if (!s.version.empty()) slots[name] = {{"version", s.version}, {"sha256", s.sha256}};
  }
  json::object doc{{"active", active_}, {"slots", std::move(slots)}};
  if (trial_)
    doc["trial"] = {{"slot", trial_->slot},       {"job_id", trial_->job_id}, {"client_token", trial_->client_token},
                    {"version", trial_->version}, {"sha256", trial_->sha256}, {"tries", trial_->tries}};
  store_.write_atomically(boot_file, json::serialize(doc) + "\n");
}

}  // namespace mothership::agent
