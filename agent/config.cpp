#include "config.hpp"

#include <sys/stat.h>
#include <toml++/toml.h>

#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace mothership::agent {

namespace {

struct config_error {
  std::string message;
};

class reader {
 public:
  reader(const toml::table& table, std::string origin) : table_(table), origin_(std::move(origin)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& why) const {
    throw config_error{origin_ + ": " + key + ": " + why};
  }

  std::string text(const std::string& key, bool required, std::string fallback = {}) {
    seen_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) {
      if (required) fail(key, "missing (required)");
      return fallback;
    }
    auto v = node->value<std::string>();
    if (!v) fail(key, "must be a string");
    if (required && v->empty()) fail(key, "must not be empty");
    return *v;
  }

  double number(const std::string& key, double fallback, double min, double max) {
    seen_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return fallback;
    auto v = node->value<double>();  // integers convert too
    if (!v || (!node->is_integer() && !node->is_floating_point())) fail(key, "must be a number");
    if (!(*v >= min && *v <= max)) {
      std::ostringstream range;
      range << "must be between " << min << " and " << max << " (got " << *v << ")";
      fail(key, range.str());
    }
    return *v;
  }

  int integer(const std::string& key, int fallback, int min, int max) {
    seen_.insert(key);
    const toml::node* node = table_.get(key);
    if (!node) return fallback;
    if (!node->is_integer()) fail(key, "must be an integer");
    auto v = *node->value<int64_t>();
    if (v < min || v > max)
      fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " +
                    std::to_string(v) + ")");
    return static_cast<int>(v);
  }

  // A misspelt key would otherwise be silently ignored and its default used.
  void reject_unknown() const {
    for (auto&& [key, node] : table_)
      if (!seen_.contains(std::string(key.str()))) fail(std::string(key.str()), "unknown key");
  }

 private:
  const toml::table& table_;
  std::string origin_;
  std::set<std::string> seen_;
};

bool valid_id(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

}  // namespace

std::optional<host_port> split_endpoint(const std::string& endpoint) {
  auto colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  host_port hp;
  hp.host = endpoint.substr(0, colon);
  if (hp.host.front() == '[' && hp.host.back() == ']') hp.host = hp.host.substr(1, hp.host.size() - 2);
  auto port_text = endpoint.substr(colon + 1);
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), hp.port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || hp.port < 1 || hp.port > 65535)
    return std::nullopt;
  if (hp.host.empty()) return std::nullopt;
  return hp;
}

config_result parse_config(const std::string& text, const std::string& origin) {
  toml::table table;
  try {
    table = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream out;
    out << origin << ":" << e.source().begin.line << ":" << e.source().begin.column << ": " << e.description();
    return {std::nullopt, out.str()};
  }
  try {
    reader r(table, origin);
    config c;
    c.serial = r.text("serial", true);
    if (!valid_id(c.serial)) r.fail("serial", "only letters, digits, '-', '_' and '.' (at most 128)");
    c.claim_code = r.text("claim_code", false);
    auto factory_certificate = r.text("factory_certificate", false), factory_key = r.text("factory_key", false);
    if (factory_certificate.empty() != factory_key.empty())
      r.fail(factory_certificate.empty() ? "factory_certificate" : "factory_key",
             "factory_certificate and factory_key go together");
    if (!factory_certificate.empty()) {
      c.factory_certificate = factory_certificate;
      c.factory_key = factory_key;
    } else if (c.claim_code.empty()) {
      r.fail("claim_code", "missing (required unless factory_certificate and factory_key are given)");
    }
    c.model = r.text("model", true);
    c.firmware_version = r.text("firmware_version", true);
    c.ca_file = r.text("ca_file", true);
    c.endpoint = r.text("endpoint", true);
    if (!split_endpoint(c.endpoint)) r.fail("endpoint", "must be host:port (got \"" + c.endpoint + "\")");
    c.state_dir = r.text("state_dir", true);
    auto version = r.text("mqtt_version", false, "5");
    if (version == "5" || version == "5.0")
      c.version = mqtt_version::v5;
    else if (version == "3.1.1")
      c.version = mqtt_version::v3_1_1;
    else
      r.fail("mqtt_version", "must be \"5\" or \"3.1.1\" (got \"" + version + "\")");
    c.heartbeat_s = r.integer("heartbeat_s", c.heartbeat_s, 1, 86400);
    c.keep_alive_s = r.integer("keep_alive_s", c.keep_alive_s, 5, 65535);
    c.renew_before_fraction = r.number("renew_before_fraction", c.renew_before_fraction, 0.0, 1.0);
    if (c.renew_before_fraction <= 0.0) r.fail("renew_before_fraction", "must be more than 0");
    c.renew_min_interval_s = r.integer("renew_min_interval_s", c.renew_min_interval_s, 0, 365 * 86400);
    c.reconnect_min_s = r.number("reconnect_min_s", c.reconnect_min_s, 0.05, 3600);
    c.reconnect_max_s = r.number("reconnect_max_s", c.reconnect_max_s, 0.05, 86400);
    if (c.reconnect_max_s < c.reconnect_min_s) r.fail("reconnect_max_s", "must not be less than reconnect_min_s");
    c.log_level = r.text("log_level", false, c.log_level);
    static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error"};
    if (!levels.contains(c.log_level)) r.fail("log_level", "must be trace, debug, info, warn or error");
    c.update_signing_key = r.text("update_signing_key", false);
    c.install_command = r.text("install_command", false);
    c.reboot_command = r.text("reboot_command", false);
    c.health_check_command = r.text("health_check_command", false);
    c.health_check_timeout_s = r.integer("health_check_timeout_s", c.health_check_timeout_s, 1, 3600);
    c.boot_tries = r.integer("boot_tries", c.boot_tries, 1, 100);
    c.download_max_bytes_per_s =
        static_cast<long long>(r.number("download_max_bytes_per_s", 0, 0, 1e12));  // integers convert too
    c.download_step_timeout_min = r.integer("download_step_timeout_min", c.download_step_timeout_min, 1, 10080);
    r.reject_unknown();
    return {std::move(c), {}};
  } catch (const config_error& e) {
    return {std::nullopt, e.message};
  }
}

config_result load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {std::nullopt, path + ": cannot be read"};
  std::ostringstream text;
  text << in.rdbuf();
  auto loaded = parse_config(text.str(), path);
  // The claim code is the device's onboarding secret: whoever reads it can claim the device in
  // its place. (The agent links none of the server's libraries, so this is its own check.)
  struct stat st {};
  if (loaded.value && !loaded.value->claim_code.empty() && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return {std::nullopt, path + ": holds a claim code, and mode " + mode +
                              " lets group or others read it; refusing it (chmod 600 the file)"};
  }
  return loaded;
}

}  // namespace mothership::agent
