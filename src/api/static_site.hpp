#pragma once
// The built portal (web/dist), loaded into memory at start and served from "/". Hashed
// assets are cached for a year; index.html is revalidated every time; any other path that
// is not an API path gets index.html, so the single-page app can route it (SPA fallback).
// Every file carries the portal's Content-Security-Policy.
#include <optional>
#include <string>
#include <unordered_map>

#include "api/http_types.hpp"

namespace mothership::api {

class static_site {
 public:
  // An empty or missing directory gives a site that answers with a short "portal not built" page.
  explicit static_site(const std::string& directory);

  std::optional<http_response> serve(const http_request& request) const;
  bool loaded() const { return !files_.empty(); }
  std::size_t file_count() const { return files_.size(); }

 private:
  struct file {
    std::string content;
    std::string content_type;
    std::string etag;
  };
  http_response respond(const std::string& path, const file& f, const http_request& request) const;

  std::unordered_map<std::string, file> files_;  // "/assets/index-abc.js" -> file
};

}  // namespace mothership::api
