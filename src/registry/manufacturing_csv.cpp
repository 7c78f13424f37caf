#include "registry/manufacturing_csv.hpp"

#include <unordered_map>

namespace mothership::registry {

namespace {

// Splits one line into fields; nullopt when a quote is left open.
std::optional<std::vector<std::string>> split_fields(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return std::nullopt;
  return fields;
}

std::string trim(std::string s) {
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && is_space(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && is_space(s[start])) ++start;
  return s.substr(start);
}

// Structure only (lead and continuation bytes); enough to refuse Latin-1 or UTF-16 files.
bool is_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto lead = static_cast<unsigned char>(s[i]);
    std::size_t extra = lead < 0x80             ? 0
                        : (lead & 0xe0) == 0xc0 ? 1
                        : (lead & 0xf0) == 0xe0 ? 2
                        : (lead & 0xf8) == 0xf0 ? 3
                                                : 4;
    if (extra == 4 || lead == 0xc0 || lead == 0xc1 || i + extra >= s.size() + (extra == 0 ? 1 : 0)) return false;
    for (std::size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    i += extra + 1;
  }
  return true;
}

bool is_printable_text(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

// The claim code people type: printable ASCII without spaces, 6 to 128 characters.
std::optional<std::string> claim_code_problem(std::string_view code) {
  if (code.size() < 6) return "claim_code is shorter than 6 characters";
  if (code.size() > 128) return "claim_code is longer than 128 characters";
  for (unsigned char c : code)
    if (c <= 0x20 || c >= 0x7f) return "claim_code may contain only printable ASCII without spaces";
  return std::nullopt;
}

std::optional<std::string> normalise_fingerprint(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ':') continue;
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    out += c;
  }
  if (out.size() != 64) return std::nullopt;
  return out;
}

}  // namespace

bool is_valid_serial(std::string_view serial) {
  if (serial.empty() || serial.size() > 64) return false;
  if (serial.starts_with("dev_") || serial.starts_with("usr_")) return false;
  for (char c : serial) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

parsed_import parse_manufacturing_csv(std::string_view text) {
  parsed_import out;
  std::unordered_map<std::string, std::size_t> serial_lines, fingerprint_lines;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto fail = [&](std::string reason) { out.errors.push_back({number, std::move(reason)}); };

    if (number == 1 && line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);  // BOM
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (!is_utf8(line)) {
      fail("bad encoding: the line is not valid UTF-8");
      continue;
    }
    auto fields = split_fields(line);
    if (!fields) {
      fail("a quoted field is not closed");
      continue;
    }
    for (auto& f : *fields) f = trim(std::move(f));
    if (number == 1 && (*fields)[0] == "serial") continue;  // header
    if (fields->size() < 4 || fields->size() > 5) {
      fail("expected 4 or 5 fields (serial,model,hw_revision,claim_code[,factory_cert_sha256]), found " +
           std::to_string(fields->size()));
      continue;
    }
    import_line row{number, (*fields)[0], (*fields)[1], (*fields)[2], (*fields)[3], std::nullopt};
    std::string fingerprint = fields->size() == 5 ? (*fields)[4] : "";

    if (row.serial.empty()) {
      fail("missing serial");
      continue;
    }
    if (!is_valid_serial(row.serial)) {
      fail("serial '" + row.serial +
           "' may contain only letters, digits, '-', '_' and '.' (at most 64), and may not begin dev_ or usr_ (MQTT "
           "client ids of devices and users)");
      continue;
    }
    if (row.model.empty()) {
      fail("missing model");
      continue;
    }
    if (row.hw_revision.empty()) {
      fail("missing hw_revision");
      continue;
    }
    if (row.model.size() > 64 || row.hw_revision.size() > 64 || !is_printable_text(row.model) ||
        !is_printable_text(row.hw_revision)) {
      fail("model and hw_revision must be printable text of at most 64 bytes");
      continue;
    }
    if (row.claim_code.empty() && fingerprint.empty()) {
      fail("missing claim_code (or factory_cert_sha256)");
      continue;
    }
    if (!row.claim_code.empty()) {
      if (auto problem = claim_code_problem(row.claim_code)) {
        fail(*problem);
        continue;
      }
    }
    if (!fingerprint.empty()) {
      row.factory_cert_sha256 = normalise_fingerprint(fingerprint);
      if (!row.factory_cert_sha256) {
        fail("factory_cert_sha256 is not 64 hex digits");
        continue;
      }
      auto [it, fresh] = fingerprint_lines.emplace(*row.factory_cert_sha256, number);
      if (!fresh) {
        fail("duplicate factory_cert_sha256 (also on line " + std::to_string(it->second) + ")");
        continue;
      }
    }
    auto [it, fresh] = serial_lines.emplace(row.serial, number);
    if (!fresh) {
      fail("duplicate serial " + row.serial + " (also on line " + std::to_string(it->second) + ")");
      continue;
    }
    out.lines.push_back(std::move(row));
  }
  return out;
}

}  // namespace mothership::registry
