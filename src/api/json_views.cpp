#include "api/json_views.hpp"

namespace mothership::api {

boost::json::object to_json(const auth::user& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", auth::to_string(u.user_role)},
          {"disabled", u.disabled},
          {"created_at", common::to_rfc3339(u.created_at)},
          {"updated_at", common::to_rfc3339(u.updated_at)}};
}

boost::json::object to_json(const audit::entry& e) {
  return {{"id", e.id},
          {"time", common::to_rfc3339(e.time)},
          {"actor_type", e.what.by.type},
          {"actor_id", e.what.by.id},
          {"action", e.what.action},
          {"target_type", e.what.target_type},
          {"target_id", e.what.target_id},
          {"result", audit::to_string(e.what.result)},
          {"source", e.what.source},
          {"details", e.what.details},
          {"prev_hash", e.prev_hash},
          {"hash", e.hash}};
}

}  // namespace mothership::api
