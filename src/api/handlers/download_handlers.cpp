#include "api/file_response.hpp"
#include "api/handlers/handlers.hpp"
#include "api/problem.hpp"

namespace mothership::api::handlers {

namespace {

// Who may use a link beside its holder: a device link refuses the certificate of another
// device (and, with blob.require_device_certificate, a request with no certificate); a user's
// link refuses any device certificate.
std::optional<blob::errc> audience_refusal(const blob::download_link& link, const http_request& request,
                                           const common::blob_config& policy) {
  const bool for_device = link.audience.starts_with("dev_");
  if (request.peer_device && *request.peer_device != link.audience) return blob::errc::link_wrong_audience;
  if (for_device && !request.peer_device && policy.require_device_certificate) return blob::errc::link_wrong_audience;
  return std::nullopt;
}

}  // namespace

http_response download_by_link(services& s, request_context& ctx) {
  auto link = s.downloads.links.verify(ctx.param("token"), common::now_ms() / 1000);
  if (!link) return problem_for(link.error());
  if (auto refused = audience_refusal(*link, ctx.request, s.config.blob)) return problem_for(*refused);
  // A report's link is a user's: each download of it is audited (a device's firmware is not).
  if (link->audience.starts_with("usr_") && ctx.request.header("range") == nullptr)
    s.reports.note_download(link->blob_id, link->audience, ctx.request.remote_address);
  return file_response(ctx.request, s.downloads.blobs, link->blob_id,
                       ctx.request.query_param("name").value_or("download.bin"));
}

}  // namespace mothership::api::handlers
