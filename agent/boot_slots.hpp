#pragma once
// The A/B pair of firmware slots and the boot loader's part in an update, as RAUC and Mender
// use them with U-Boot's bootcount: an update is written to the slot that is not running and
// booted on *trial*; it becomes the slot that boots for good only once the new image passed its
// health check. A trial that keeps failing to get that far falls back to the old slot.
//
// boot.json in the state directory holds it all:
//   {"active": "a", "slots": {"a": {"version"}, "b": {"version", "sha256"}},
//    "trial": {"slot": "b", "job_id", "client_token", "version", "sha256", "tries"}}
// On a real device the boot loader keeps its own copy; here the agent plays the boot loader at
// start (boot_slots::boot), which is what the tests need to run without one.

#include <optional>
#include <string>

#include "state_store.hpp"

namespace mothership::agent {

struct slot_state {
  std::string version;
  std::string sha256;  // of the image written there; empty for the factory image
};

// An update booted on trial: what to report, and how often it was tried.
struct boot_trial {
  std::string slot;
  std::string job_id;
  std::string client_token;  // of the final report, so that a resend is answered, not applied twice
  std::string version;
  std::string sha256;
  int tries = 0;
};

// What the boot found.
enum class boot_outcome {
  normal,     // the active slot, no update pending
  trial,      // the new slot, on trial: run the health check, then commit or fall back
  fell_back,  // the new slot failed `boot_tries` boots; the old one runs again
};

class boot_slots {
 public:
  boot_slots(state_store& store, std::string factory_version);

  // Loads boot.json (creating it on the first start) and counts a boot of a trial slot. After
  // fell_back, nothing is saved until save(): the caller records its report first.
  boot_outcome boot(int boot_tries);
  void save() const;

  // The slot and version running now.
  const std::string& running_slot() const { return running_; }
  std::string running_version() const;
  std::string inactive_slot() const { return running_ == "a" ? "b" : "a"; }
  const std::optional<boot_trial>& trial() const { return trial_; }
  // The trial that boot() just gave up on (fell_back), for its report.
  const std::optional<boot_trial>& abandoned_trial() const { return abandoned_; }

  // The image file of a slot in the simulated pair.
  std::string image_path(const std::string& slot) const;

  // The image of `trial` is in its slot: boot it next time (recorded before the reboot).
  void start_trial(const boot_trial& trial);
  // The trial passed: its slot boots from now on.
  void commit();
  // The trial failed after booting: the old slot boots from now on.
  void abandon();

 private:
  state_store& store_;
  std::string factory_version_;
  std::string active_ = "a";
  std::string running_ = "a";
  slot_state slots_[2];
  std::optional<boot_trial> trial_;
  std::optional<boot_trial> abandoned_;
};

}  // namespace mothership::agent
