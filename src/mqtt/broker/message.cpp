#include "mqtt/broker/message.hpp"

namespace mothership::mqtt {

message_ptr make_message(const publish& p, std::string publisher, steady_time now) {
  auto m = std::make_shared<message>();
  m->topic = p.topic;
  m->payload = std::make_shared<const std::string>(p.payload);
  m->qos = p.qos;
  m->retain = p.retain;
  const properties& in = p.properties;
  m->properties.payload_format_indicator = in.payload_format_indicator;
  m->properties.content_type = in.content_type;
  m->properties.response_topic = in.response_topic;
  m->properties.correlation_data = in.correlation_data;
  m->properties.user_properties = in.user_properties;
  if (in.message_expiry_interval) m->expires_at = now + std::chrono::seconds(*in.message_expiry_interval);
  m->publisher = std::move(publisher);
  return m;
}

}  // namespace mothership::mqtt
