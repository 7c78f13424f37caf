#pragma once
// The agent's life: onboard when it has no identity yet, then stay connected as the device,
// reconnecting with backoff after every loss, until asked to stop.

#include "config.hpp"
#include "events.hpp"
#include "mqtt_link.hpp"

namespace mothership::agent {

// Process exit codes.
inline constexpr int exit_stopped = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_config = 2;
inline constexpr int exit_rejected = 3;  // the server rejected the onboarding hello
inline constexpr int exit_reboot = 4;    // a firmware update wants a reboot (main.cpp does it)

// Runs until `events` carries a stop request (returns exit_stopped) or the server rejects the
// hello (exit_rejected), or when an update needs a reboot (exit_reboot). Throws std::runtime_error when the state
// directory cannot be used.
int run_agent(const config& cfg, event_queue& events, const link_factory& make_link);

}  // namespace mothership::agent
