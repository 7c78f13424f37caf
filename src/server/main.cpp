// mothership: the server (`serve`) and the commands an operator runs next to it.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/api_connection.hpp"
#include "cli/firmware_upload.hpp"
#include "cli/registry_import.hpp"
#include "common/config.hpp"
#include "common/logging.hpp"
#include "common/secret_file.hpp"
#include "server/admin_commands.hpp"
#include "server/serve.hpp"

int main(int argc, char** argv) {
  using namespace mothership;
  CLI::App app{"Mothership: self-hosted IoT fleet platform"};
  app.set_version_flag("--version", std::string("mothership ") + MOTHERSHIP_VERSION);
  app.require_subcommand(1);

  auto* serve_cmd = app.add_subcommand("serve", "Run the server");
  std::string config_path;
  std::map<std::string, std::string> flags;
  struct flag_spec {
    const char* flag;
    const char* setting;
    const char* help;
  };
  const flag_spec serve_flags[] = {
      {"--data-dir", "storage.data_dir", "Data directory (default ./var)"},
      {"--http-listen", "http.listen", "HTTP listen address HOST:PORT (port 0 = any free port)"},
      {"--http-tls-listen", "http.tls_listen", "HTTPS listen address HOST:PORT"},
      {"--http-tls-cert", "http.tls_cert", "HTTPS certificate chain (PEM); default: the MQTT TLS listeners' one"},
      {"--http-tls-key", "http.tls_key", "Private key (PEM) of --http-tls-cert"},
      {"--web-dir", "http.web_dir", "Directory of the built portal"},
      {"--log-format", "log.format", "text or json"},
      {"--log-level", "log.level", "trace, debug, info, warn, error"},
      {"--http-threads", "http.threads", "I/O threads (0 = one per core)"},
      {"--mqtt-listen", "mqtt.listen", "Plain MQTT (TCP) listener HOST:PORT"},
      {"--mqtt-tls-listen", "mqtt.tls_listen", "MQTT over TLS listener HOST:PORT"},
      {"--mqtt-ws-listen", "mqtt.ws_listen", "MQTT over WebSocket listener HOST:PORT"},
      {"--mqtt-wss-listen", "mqtt.wss_listen", "MQTT over secure WebSocket listener HOST:PORT"},
      {"--mqtt-ws-allowed-origins", "mqtt.ws_allowed_origins",
       "Comma-separated origins whose web pages may open the WebSocket listeners; default: the portal's"},
      {"--mqtt-tls-cert", "mqtt.tls_cert", "Server certificate chain (PEM); default: issued by the platform CA"},
      {"--mqtt-tls-key", "mqtt.tls_key", "Private key (PEM) of --mqtt-tls-cert"},
      {"--mqtt-tls-client-ca", "mqtt.tls_client_ca", "Extra CA bundle (PEM) for client certificates (factory CAs)"},
      {"--pki-ca-cert", "pki.ca_cert", "Issuing CA certificate with chain (PEM) to import"},
      {"--pki-ca-key", "pki.ca_key", "Private key (PEM) of --pki-ca-cert"},
  };
  std::map<std::string, std::string> raw_flags;
  serve_cmd->add_option("--config", config_path, "TOML configuration file");
  for (const auto& f : serve_flags) serve_cmd->add_option(f.flag, raw_flags[f.setting], f.help);
  bool allow_anonymous = false;
  serve_cmd->add_flag("--mqtt-allow-anonymous", allow_anonymous,
                      "Development: MQTT clients without credentials may use topics outside devices/");

  auto* audit_cmd = app.add_subcommand("audit", "Audit log tools");
  audit_cmd->require_subcommand(1);
  auto* verify_cmd = audit_cmd->add_subcommand("verify", "Check the audit log's hash chain");
  std::string data_dir = "./var";
  auto* verify_data_dir = verify_cmd->add_option("--data-dir", data_dir, "Data directory");
  std::string export_file;
  verify_cmd->add_option("--export", export_file,
                         "Check an exported audit report (NDJSON, .gz too) offline instead; with --data-dir, also "
                         "against that installation's chain");

  auto* backup_cmd = app.add_subcommand("backup", "Copy the database online (the server may keep running)");
  std::string backup_target;
  backup_cmd->add_option("--data-dir", data_dir, "Data directory");
  backup_cmd->add_option("--out", backup_target, "Target file")->required();

  // Commands that talk to a running server's API.
  // No secret is taken on the command line, where every local user can read it (ps).
  std::string api_url = "http://127.0.0.1:8080", token_file, username;
  auto api_options = [&](CLI::App* cmd) {
    cmd->add_option("--api", api_url, "Server API base URL");
    cmd->add_option("--token-file", token_file, "File (mode 0600) holding an access token; else MOTHERSHIP_TOKEN");
    cmd->add_option("--user", username, "Log in as this user; password from MOTHERSHIP_PASSWORD or asked");
  };
  auto* registry_cmd = app.add_subcommand("registry", "Manufacturing registry");
  registry_cmd->require_subcommand(1);
  auto* import_cmd = registry_cmd->add_subcommand("import", "Import manufacturing records from a CSV file");
  std::string import_file, import_batch;
  import_cmd->add_option("FILE.csv", import_file, "serial,model,hw_revision,claim_code[,factory_cert_sha256]")
      ->required();
  import_cmd->add_option("--batch", import_batch, "Batch name (default: import-<UTC time>)");
  api_options(import_cmd);

  auto* firmware_cmd = app.add_subcommand("firmware", "Firmware catalog");
  firmware_cmd->require_subcommand(1);
  auto* upload_cmd = firmware_cmd->add_subcommand("upload", "Upload a firmware image (streamed, with a progress bar)");
  cli::firmware_upload_options upload;
  upload_cmd->add_option("FILE", upload.file, "The image")->required();
  upload_cmd->add_option("--version", upload.version, "Semantic version, unique per model")->required();
  upload_cmd->add_option("--model", upload.models, "A device model it fits (repeat for several)")->required();
  upload_cmd->add_option("--description", upload.description, "One line about it");
  upload_cmd->add_option("--release-notes", upload.release_notes_file, "File with the release notes (Markdown)");
  upload_cmd->add_option("--signature", upload.signature_file,
                         "Detached signature: openssl dgst -sha256 -sign KEY -out FILE.sig FILE (DER or base64)");
  api_options(upload_cmd);

  CLI11_PARSE(app, argc, argv);

  try {
    if (*serve_cmd) {
      for (auto& [setting, value] : raw_flags)
        if (!value.empty()) flags[setting] = value;
      if (allow_anonymous) flags["mqtt.allow_anonymous"] = "true";
      auto loaded = common::load_config(config_path, flags);
      if (!loaded.ok()) {
        for (const auto& e : loaded.errors) std::cerr << "configuration: " << e << "\n";
        return 2;
      }
      common::init_logging(loaded.value.log);
      return server::serve(loaded.value);
    }
    if (*verify_cmd && !export_file.empty())
      return server::audit_verify_export(
          export_file, verify_data_dir->count() > 0 ? std::optional<std::string>(data_dir) : std::nullopt);
    if (*verify_cmd) return server::audit_verify(data_dir);
    if (*backup_cmd) return server::backup(data_dir, backup_target);
    if (*import_cmd || *upload_cmd) {
      auto token = common::find_secret(token_file, "MOTHERSHIP_TOKEN");
      if (!token.value) {
        std::cerr << "mothership: " << token.error << "\n";
        return 2;
      }
      if (token.value->empty() && username.empty()) {
        std::cerr
            << "mothership: no credentials: set MOTHERSHIP_TOKEN, give --token-file FILE, or log in with --user\n";
        return 2;
      }
      cli::api_connection api(api_url, *token.value);
      if (!username.empty()) api.login(username, cli::read_password("MOTHERSHIP_PASSWORD"));
      if (*upload_cmd) return cli::firmware_upload(api, upload);
      return cli::registry_import(api, import_file, import_batch);
    }
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    std::cerr << "mothership: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
