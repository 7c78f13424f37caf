#pragma once
// The device-specific steps of an update run as shell commands from the configuration
// (install_command, health_check_command, reboot_command), as RAUC's and Mender's hooks are:
// the agent passes what they need in MOTHERSHIP_* environment variables, never by pasting text
// into the command line (an image name cannot inject a command).

#include <chrono>
#include <map>
#include <string>

namespace mothership::agent {

struct command_result {
  bool ran = false;    // false: it could not be started, or it ran past its time (then killed)
  int exit_code = -1;  // of a command that ran to its end
  std::string output;  // the end of what it wrote (stdout and stderr), for a failure reason
  std::string error;   // why it did not run to its end
};

command_result run_shell_command(const std::string& command, const std::map<std::string, std::string>& environment,
                                 std::chrono::seconds timeout);

// "exit 3: <output>" and the like, for a log line or a statusDetails reason.
std::string describe(const command_result& result);

}  // namespace mothership::agent
