#pragma once
// One connection's worth of work: provisioning (onboarding with serial + claim code) or
// operation (mutual TLS as the device). A session returns how it ended; agent.cpp decides what
// comes next (the other session, a backoff, or exit).

#include <chrono>
#include <optional>
#include <string>

#include "backoff.hpp"
#include "config.hpp"
#include "events.hpp"
#include "mqtt_link.hpp"
#include "state_store.hpp"
#include "updater.hpp"

namespace mothership::agent {

enum class session_end {
  stop,           // asked to stop: disconnected cleanly
  retry,          // failed or lost; try again after a backoff
  reconnect_now,  // new credentials: connect with them at once
  rejected,       // the server refused the hello; retrying the same would not help
  reboot,         // a firmware update was installed: reboot into it
};

struct session_result {
  session_end end;
  std::string why;  // for retry and rejected
};

struct session_context {
  const config& cfg;
  state_store& store;
  mqtt_link& link;
  event_queue& events;
  backoff& reconnect;
  updater& update;
};

inline constexpr std::chrono::seconds connect_timeout{10};
inline constexpr std::chrono::seconds request_timeout{10};

session_result run_provisioning(session_context& ctx);

// When the last renewal attempt finished; kept across connections (not across restarts).
struct renewal_memory {
  std::optional<std::chrono::steady_clock::time_point> last_attempt;
};

session_result run_operation(session_context& ctx, const identity& id, renewal_memory& renewal);

// Whether a certificate valid from `not_before` to `not_after` has less than `fraction` of its
// validity left at `now`.
bool renewal_due(std::chrono::system_clock::time_point not_before, std::chrono::system_clock::time_point not_after,
                 std::chrono::system_clock::time_point now, double fraction);

}  // namespace mothership::agent
