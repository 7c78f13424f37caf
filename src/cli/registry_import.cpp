#include "cli/registry_import.hpp"

#include <boost/json/parse.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "registry/manufacturing_csv.hpp"

namespace mothership::cli {

int registry_import(const api_connection& api, const std::string& file, const std::string& batch) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << file << "\n";
    return 2;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string csv = text.str();

  // The same checks the server makes, so a bad file is fixed before it travels. Duplicates
  // against the registry itself only the server can see.
  auto local = registry::parse_manufacturing_csv(csv);
  if (!local.errors.empty()) {
    for (const auto& e : local.errors) std::cerr << file << ":" << e.line << ": " << e.reason << "\n";
    std::cerr << local.errors.size() << " bad line(s); nothing was sent\n";
    return 1;
  }
  std::cerr << local.lines.size() << " record(s) in " << file << "\n";

  progress_bar bar("uploading", csv.size());
  std::string target = "/api/v1/registry/import";
  if (!batch.empty()) target += "?batch=" + batch;
  auto reply = api.send("POST", target, "text/csv", csv, [&](std::size_t sent) { bar.update(sent); });
  bar.finish();
  boost::system::error_code ec;
  auto body = boost::json::parse(reply.body, ec);
  if (reply.status == 200 && !ec) {
    const auto& o = body.as_object();
    std::cout << "imported " << o.at("imported").as_int64() << " record(s) as batch "
              << o.at("batch").as_string().c_str() << "\n";
    return 0;
  }
  if (reply.status == 422 && !ec && body.as_object().contains("errors") && body.as_object().at("errors").is_array() &&
      body.as_object().contains("type") &&
      std::string(body.as_object().at("type").as_string()).ends_with("import-rejected")) {
    for (const auto& e : body.as_object().at("errors").as_array())
      std::cerr << file << ":" << e.as_object().at("line").as_int64() << ": "
                << e.as_object().at("reason").as_string().c_str() << "\n";
    std::cerr << "the server refused the file; nothing was imported\n";
    return 1;
  }
  std::cerr << "import failed: HTTP " << reply.status << " " << reply.body << "\n";
  return 1;
}

}  // namespace mothership::cli
