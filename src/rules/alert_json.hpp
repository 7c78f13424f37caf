#pragma once
// Alerts and rules as JSON: one shape for the API, the event stream and `$alerts/...` on MQTT
// (docs/openapi.yaml: Alert, AlertRule).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "rules/alert.hpp"

namespace mothership::rules {

boost::json::object to_json(const alert& a);
boost::json::object to_json(const rule_record& r);
boost::json::value to_json_value(const value& v);

}  // namespace mothership::rules
