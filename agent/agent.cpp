#include "agent.hpp"

#include <spdlog/spdlog.h>

#include "session.hpp"

namespace mothership::agent {

namespace {

std::chrono::milliseconds ms_of(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace

int run_agent(const config& cfg, event_queue& events, const link_factory& make_link) {
  state_store store(cfg.state_dir);
  store.open();
  backoff reconnect(ms_of(cfg.reconnect_min_s), ms_of(cfg.reconnect_max_s));
  renewal_memory renewal;
  updater update(cfg, store, events);
  if (update.after_boot() == update_step::reboot) return exit_reboot;
  if (auto id = store.load_identity())
    spdlog::info("device {} (serial {}): using the key and certificate in {}", id->device_id, cfg.serial, store.dir());
  else
    spdlog::info("serial {} is not onboarded yet: onboarding through {}", cfg.serial, cfg.endpoint);

  while (!events.stop_requested()) {
    auto id = store.load_identity();
    session_result result{session_end::stop, {}};
    {
      auto link = make_link(events);
      session_context ctx{cfg, store, *link, events, reconnect, update};
      result = id ? run_operation(ctx, *id, renewal) : run_provisioning(ctx);
    }
    events.clear();  // whatever the closed connection left behind (a stop request stays)
    switch (result.end) {
      case session_end::stop:
        return exit_stopped;
      case session_end::rejected:
        spdlog::error("{}; giving up (exit code {})", result.why, exit_rejected);
        return exit_rejected;
      case session_end::reconnect_now:
        break;
      case session_end::reboot:
        return exit_reboot;
      case session_end::retry: {
        auto wait = reconnect.next();
        spdlog::warn("{}; retrying in {:.1f} s", result.why, static_cast<double>(wait.count()) / 1000.0);
        if (!sleep_until(events, std::chrono::steady_clock::now() + wait)) return exit_stopped;
        break;
      }
    }
  }
  return exit_stopped;
}

}  // namespace mothership::agent
