#pragma once
// The built portal (web/dist), loaded into memory at start and served from "/". Hashed
// assets are cached for a year; other files are revalidated every time; any other path that
// is not an API path gets index.html, so the single-page app can route it (SPA fallback).
// Every file carries the portal's Content-Security-Policy. A page that holds the build's
// nonce placeholder (vite.config.ts, html.cspNonce) gets a fresh nonce in each answer, which
// the policy allows for <style> elements: Mantine writes its CSS variables and responsive
// rules into such elements at run time. Such a page is never cached, since a copy would hold
// a nonce that the next answer's policy no longer names.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http_types.hpp"

namespace mothership::api {

// What the portal's build writes where each answer's nonce goes (web/vite.config.ts).
inline constexpr std::string_view csp_nonce_placeholder = "MOTHERSHIP_CSP_NONCE";

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
    bool has_nonce = false;  // holds csp_nonce_placeholder
  };
  http_response respond(const std::string& path, const file& f, const http_request& request) const;

  http_response respond_with_nonce(const file& f) const;

  std::unordered_map<std::string, file> files_;  // "/assets/index-abc.js" -> file
};

}  // namespace mothership::api
