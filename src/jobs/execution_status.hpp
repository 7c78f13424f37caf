#pragma once
// The states of a job execution, as AWS IoT Jobs names them, and which moves between them are
// legal. Terminal states are final: an execution that SUCCEEDED never becomes IN_PROGRESS
// again (a retry is a new execution number, made by the server).
#include <optional>
#include <string_view>

namespace mothership::jobs {

enum class execution_status { queued, in_progress, succeeded, failed, timed_out, rejected, canceled, removed };

std::string_view to_string(execution_status s);  // "QUEUED", "IN_PROGRESS", ...
std::optional<execution_status> parse_execution_status(std::string_view text);

bool is_terminal(execution_status s);
// FAILED, TIMED_OUT, REJECTED: what counts against the abort threshold (and may be retried).
bool is_failure(execution_status s);

// Who asks for a move: the device reports progress and outcomes; the server times out, cancels
// and removes.
enum class mover { device, server };
bool may_move(execution_status from, execution_status to, mover who);

// How the portal groups them: Queued / In Progress / Completed / Failed (and Canceled).
std::string_view portal_group(execution_status s);

}  // namespace mothership::jobs
