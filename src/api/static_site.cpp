#include "api/static_site.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/security_headers.hpp"
#include "common/encoding.hpp"

namespace mothership::api {

namespace fs = std::filesystem;

namespace {

std::string content_type_for(const fs::path& p) {
  static const std::unordered_map<std::string, std::string> types = {{".html", "text/html; charset=utf-8"},
                                                                     {".js", "text/javascript; charset=utf-8"},
                                                                     {".css", "text/css; charset=utf-8"},
                                                                     {".json", "application/json"},
                                                                     {".svg", "image/svg+xml"},
                                                                     {".png", "image/png"},
                                                                     {".ico", "image/x-icon"},
                                                                     {".woff2", "font/woff2"},
                                                                     {".txt", "text/plain; charset=utf-8"},
                                                                     {".map", "application/json"},
                                                                     {".webmanifest", "application/manifest+json"}};
  auto it = types.find(p.extension().string());
  return it == types.end() ? "application/octet-stream" : it->second;
}

}  // namespace

static_site::static_site(const std::string& directory) {
  if (directory.empty() || !fs::is_directory(directory)) return;
  for (const auto& entry : fs::recursive_directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    std::string url = "/" + fs::relative(entry.path(), directory).generic_string();
    std::string body = content.str();
    std::string etag = "\"" + common::sha256_hex(body).substr(0, 16) + "\"";
    bool has_nonce = entry.path().extension() == ".html" && body.find(csp_nonce_placeholder) != std::string::npos;
    files_.emplace(url, file{std::move(body), content_type_for(entry.path()), std::move(etag), has_nonce});
  }
}

http_response static_site::respond_with_nonce(const file& f) const {
  std::string nonce = common::random_token(18);  // base64url: valid in a CSP nonce-source
  http_response r;
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Content-Security-Policy",
                         std::string(portal_content_security_policy) + "; style-src 'self' 'nonce-" + nonce + "'");
  r.content_type = f.content_type;
  r.body.reserve(f.content.size());
  std::string_view rest = f.content;
  for (auto at = rest.find(csp_nonce_placeholder); at != std::string_view::npos;
       at = rest.find(csp_nonce_placeholder)) {
    r.body.append(rest.substr(0, at)).append(nonce);
    rest.remove_prefix(at + csp_nonce_placeholder.size());
  }
  r.body.append(rest);
  return r;
}

http_response static_site::respond(const std::string& path, const file& f, const http_request& request) const {
  if (f.has_nonce) return respond_with_nonce(f);
  http_response r;
  bool immutable = path.rfind("/assets/", 0) == 0;  // Vite puts content hashes in these names
  r.headers.emplace_back("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("ETag", f.etag);
  // The writer adds the other security headers; the portal's policy lets it load its own files.
  r.headers.emplace_back("Content-Security-Policy", portal_content_security_policy);
  if (const std::string* inm = request.header("if-none-match"); inm && *inm == f.etag) {
    r.status = 304;
    return r;
  }
  r.content_type = f.content_type;
  r.body = f.content;
  return r;
}

std::optional<http_response> static_site::serve(const http_request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  if (request.path.rfind("/api/", 0) == 0) return std::nullopt;
  std::string path = request.path == "/" ? "/index.html" : request.path;
  if (auto it = files_.find(path); it != files_.end()) return respond(path, it->second, request);
  // A path with a file extension that is missing is a real 404; anything else is a portal route.
  bool looks_like_file = fs::path(path).has_extension();
  auto index = files_.find("/index.html");
  if (!looks_like_file && index != files_.end()) return respond("/index.html", index->second, request);
  if (!looks_like_file && files_.empty()) {
    http_response r;
    r.content_type = "text/html; charset=utf-8";
    r.body =
        "<!doctype html><title>Mothership</title><p>The portal is not built. Run <code>make run</code>, "
        "or build it with <code>npm run build</code> in web/.</p>";
    return r;
  }
  return std::nullopt;
}

}  // namespace mothership::api
