#include "cli/firmware_upload.hpp"

#include <sys/stat.h>

#include <openssl/evp.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "common/encoding.hpp"
#include "ota/semver.hpp"

namespace mothership::cli {

namespace {

// The file's bytes as they are read for sending, hashed on the way.
class hashing_file_source : public common::byte_source {
 public:
  explicit hashing_file_source(std::ifstream& in) : in_(in), digest_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(digest_.get(), EVP_sha256(), nullptr);
  }
  std::size_t read(char* data, std::size_t size) override {
    in_.read(data, static_cast<std::streamsize>(size));
    auto n = static_cast<std::size_t>(in_.gcount());
    EVP_DigestUpdate(digest_.get(), data, n);
    return n;
  }
  std::string hex() {
    unsigned char out[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(digest_.get(), out, &len);
    return common::to_hex({reinterpret_cast<const char*>(out), len});
  }

 private:
  std::ifstream& in_;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest_;
};

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A signature file holds DER (it starts with a SEQUENCE, 0x30) or the base64 of it.
std::string signature_text(const std::string& contents) {
  if (!contents.empty() && static_cast<unsigned char>(contents[0]) == 0x30) return common::base64_encode(contents);
  std::string out;
  for (char c : contents)
    if (c != '\n' && c != '\r' && c != ' ') out.push_back(c);
  return out;
}

std::string query_of(const firmware_upload_options& o, const std::string& filename) {
  std::string q = "?version=" + common::percent_encode(o.version);
  for (const auto& m : o.models) q += "&model=" + common::percent_encode(m);
  if (!o.description.empty()) q += "&description=" + common::percent_encode(o.description);
  q += "&filename=" + common::percent_encode(filename);
  return q;
}

std::string field_errors(const boost::json::object& problem) {
  std::string out;
  if (auto* errors = problem.if_contains("errors"); errors && errors->is_array())
    for (const auto& e : errors->as_array())
      if (e.is_object() && e.as_object().contains("field") && e.as_object().contains("message"))
        out += "\n  " + std::string(e.at("field").as_string()) + ": " + std::string(e.at("message").as_string());
  return out;
}

}  // namespace

int firmware_upload(const api_connection& api, const firmware_upload_options& o) {
  if (!ota::parse_semver(o.version)) {
    std::cerr << "--version " << o.version << " is not a semantic version (as 1.4.2 or 2.0.0-rc.1)\n";
    return 2;
  }
  struct stat st {};
  std::ifstream in(o.file, std::ios::binary);
  if (!in || ::stat(o.file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    std::cerr << "cannot read " << o.file << "\n";
    return 2;
  }
  api_connection::header_list headers;
  if (!o.signature_file.empty()) {
    auto signature = read_file(o.signature_file);
    if (!signature) {
      std::cerr << "cannot read " << o.signature_file << "\n";
      return 2;
    }
    headers.emplace_back("X-Firmware-Signature", signature_text(*signature));
  }
  std::string target = "/api/v1/firmware" + query_of(o, std::filesystem::path(o.file).filename().string());
  if (!o.release_notes_file.empty()) {
    auto notes = read_file(o.release_notes_file);
    if (!notes) {
      std::cerr << "cannot read " << o.release_notes_file << "\n";
      return 2;
    }
    target += "&release_notes=" + common::percent_encode(*notes);
  }

  const auto size = static_cast<std::uint64_t>(st.st_size);
  hashing_file_source source(in);
  progress_bar bar("uploading " + std::filesystem::path(o.file).filename().string(), size);
  auto reply = api.send_stream("POST", target, "application/octet-stream", source, size, headers,
                               [&](std::uint64_t sent) { bar.update(sent); });
  boost::system::error_code ec;
  auto body = boost::json::parse(reply.body, ec);
  if (reply.status == 201 && !ec && body.is_object()) {
    bar.finish();
    const auto& f = body.as_object();
    std::string sha256(f.at("sha256").as_string());
    if (sha256 != source.hex()) {
      std::cerr << "the server's SHA-256 " << sha256 << " is not the file's; delete " << f.at("id").as_string().c_str()
                << " and upload again\n";
      return 1;
    }
    std::cout << "stored " << f.at("id").as_string().c_str() << ": version " << o.version << ", "
              << f.at("size").as_int64() << " bytes, sha256 " << sha256
              << (f.at("signed_by").is_string() ? ", signature verified" : ", unsigned") << "\n";
    return 0;
  }
  std::cerr << "\n";
  if (!ec && body.is_object() && body.as_object().contains("detail")) {
    std::cerr << "refused (HTTP " << reply.status << "): " << body.at("detail").as_string().c_str()
              << field_errors(body.as_object()) << "\n";
    return 1;
  }
  std::cerr << "upload failed: HTTP " << reply.status << " " << reply.body << "\n";
  return 1;
}

}  // namespace mothership::cli
