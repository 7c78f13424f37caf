#include "downloader.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace mothership::agent {

namespace {

using steady = std::chrono::steady_clock;
constexpr auto progress_interval = std::chrono::milliseconds(500);

// One attempt's state, shared with libcurl's callbacks.
struct transfer {
  const download_request& request;
  event_queue& events;
  std::stop_token stop;
  CURL* curl = nullptr;
  int fd = -1;
  std::uint64_t have = 0;
  bool answer_checked = false;
  std::string write_error;
  steady::time_point last_progress{};
  steady::time_point started = steady::now();
  std::uint64_t received = 0;  // by this attempt
};

// download_max_bytes_per_s, kept by pausing in the write callback: TCP's flow control then slows
// the server. (libcurl's own limit lets a burst of up to 100 reads through before it waits.)
void keep_to_the_rate(transfer& t) {
  if (t.request.max_bytes_per_s <= 0) return;
  auto due = t.started + std::chrono::microseconds(static_cast<long long>(
                             static_cast<double>(t.received) * 1e6 / static_cast<double>(t.request.max_bytes_per_s)));
  while (!t.stop.stop_requested() && steady::now() < due)
    std::this_thread::sleep_for(std::min<steady::duration>(due - steady::now(), std::chrono::milliseconds(100)));
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

void tell_progress(transfer& t) {
  auto now = steady::now();
  if (now - t.last_progress >= progress_interval) {
    t.last_progress = now;
    t.events.push(download_progress{t.request.job_id, t.have, t.request.size});
  }
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& t = *static_cast<transfer*>(user);
  if (t.stop.stop_requested()) return 1;  // aborts the transfer
  tell_progress(t);
  return 0;
}

std::size_t on_data(char* data, std::size_t, std::size_t size, void* user) {
  auto& t = *static_cast<transfer*>(user);
  if (!t.answer_checked) {
    t.answer_checked = true;
    long code = 0;
    curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &code);
    // 200 to a Range request: the image behind the link is not the one the part file holds
    // (If-Range failed), so the whole of it comes again.
    if (code == 200 && t.have > 0) {
      if (::ftruncate(t.fd, 0) != 0 || ::lseek(t.fd, 0, SEEK_SET) != 0) {
        t.write_error = std::string("cannot truncate the download: ") + std::strerror(errno);
        return 0;
      }
      t.have = 0;
    }
  }
  if (t.have + size > t.request.size) {
    t.write_error = "the server sends more than the " + std::to_string(t.request.size) + " bytes announced";
    return 0;
  }
  if (!write_all(t.fd, data, size)) {
    t.write_error = std::string("cannot write the download: ") + std::strerror(errno);
    return 0;
  }
  t.have += size;
  t.received += size;
  keep_to_the_rate(t);
  tell_progress(t);  // libcurl calls on_progress only between bursts of reads
  return t.stop.stop_requested() ? 0 : size;
}

download_finished fetch(const download_request& r, std::stop_token stop, event_queue& events) {
  download_finished out{r.job_id, false, {}, 0, {}};
  int fd = ::open(r.part_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return out.error = "cannot open " + r.part_path + ": " + std::strerror(errno), out;
  struct stat st {};
  ::fstat(fd, &st);
  transfer t{r, events, stop};
  t.fd = fd;
  t.have = static_cast<std::uint64_t>(st.st_size);
  if (t.have > r.size && ::ftruncate(fd, 0) == 0) t.have = 0;  // not a prefix of this image
  ::lseek(fd, static_cast<off_t>(t.have), SEEK_SET);

  CURLcode code = CURLE_OK;
  long status = 0;
  if (t.have < r.size) {
    CURL* curl = curl_easy_init();
    t.curl = curl;
    curl_slist* headers = nullptr;
    if (t.have > 0) {
      headers = curl_slist_append(headers, ("Range: bytes=" + std::to_string(t.have) + "-").c_str());
      headers = curl_slist_append(headers, ("If-Range: \"" + r.sha256 + "\"").c_str());
    }
    curl_easy_setopt(curl, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CAINFO, r.ca_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLCERT, r.cert_file.c_str());
    curl_easy_setopt(curl, CURLOPT_SSLKEY, r.key_file.c_str());
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);  // a stalled link fails after a minute...
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);  // ...and the next attempt resumes
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
  }
  bool synced = ::fdatasync(fd) == 0;
  ::close(fd);
  events.push(download_progress{r.job_id, t.have, r.size});
  if (code != CURLE_OK) {
    out.http_status = code == CURLE_HTTP_RETURNED_ERROR ? status : 0;
    out.error = !t.write_error.empty() ? t.write_error
                : out.http_status      ? "the server answered " + std::to_string(status)
                                       : curl_easy_strerror(code);
    return out;
  }
  if (!synced) return out.error = std::string("cannot sync the download: ") + std::strerror(errno), out;
  if (t.have != r.size)
    return out.error = "the download ended at " + std::to_string(t.have) + " of " + std::to_string(r.size) + " bytes",
           out;
  try {
    out.sha256 = sha256_of_file(r.part_path);
    out.complete = true;
  } catch (const std::runtime_error& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace

void init_downloads() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

download_task::download_task(download_request request, event_queue& events) : request_(std::move(request)) {
  thread_ = std::jthread([this, &events](std::stop_token stop) {
    auto finished = fetch(request_, stop, events);
    if (!stop.stop_requested()) events.push(std::move(finished));
  });
}

download_task::~download_task() {
  thread_.request_stop();
}

std::string sha256_of_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(md.get(), EVP_sha256(), nullptr);
  std::string buffer(1 << 16, '\0');
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    EVP_DigestUpdate(md.get(), buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(md.get(), digest, &length);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) out += {hex[digest[i] >> 4], hex[digest[i] & 15]};
  return out;
}

}  // namespace mothership::agent
