// mqtt::client over TLS against a real mosquitto on loopback, with certificates made by the
// openssl command in a temporary directory: server verification (CA, name), a broker that
// requires client certificates, and verification switched off. Label `integration`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/pem.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "mqtt/client/mqtt_client.hpp"

namespace mothership::mqtt {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

bool run_shell(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// A CA, and a certificate it signed for `name` with the given subjectAltName (EC P-256).
void make_ca(const fs::path& dir, const std::string& name) {
  ASSERT_TRUE(
      run_shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=" + name +
                " -keyout " + (dir / (name + ".key")).string() + " -out " + (dir / (name + ".crt")).string()));
}
void make_signed(const fs::path& dir, const std::string& ca, const std::string& name, const std::string& san) {
  std::ofstream(dir / (name + ".ext")) << "subjectAltName=" << san << "\n";
  auto base = (dir / name).string();
  ASSERT_TRUE(run_shell("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=" + name +
                        " -keyout " + base + ".key -out " + base + ".csr"));
  ASSERT_TRUE(run_shell("openssl x509 -req -days 2 -in " + base + ".csr -CA " + (dir / (ca + ".crt")).string() +
                        " -CAkey " + (dir / (ca + ".key")).string() + " -CAcreateserial -extfile " + base +
                        ".ext -out " + base + ".crt"));
}

std::uint16_t free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

bool port_open(std::uint16_t port) {
  asio::io_context io;
  asio::ip::tcp::socket s(io);
  boost::system::error_code ec;
  s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

class MqttClientTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // scripts/setup-deps installs both: a missing one is a broken set-up, not a reason to skip.
    ASSERT_TRUE(run_shell("command -v mosquitto") && run_shell("command -v openssl"));
    char tmpl[] = "/tmp/ms-client-tls-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    make_ca(dir_, "ca");
    make_ca(dir_, "other-ca");
    make_signed(dir_, "ca", "server", "IP:127.0.0.1,DNS:localhost");
    make_signed(dir_, "ca", "device", "DNS:device-1");
    tls_port_ = free_port();
    mutual_port_ = free_port();
    std::ofstream conf(dir_ / "mosquitto.conf");
    conf << "per_listener_settings false\nallow_anonymous true\npersistence false\nlog_type none\n";
    if (::geteuid() == 0) conf << "user root\n";  // else it runs as `mosquitto`, who cannot read our keys
    for (std::uint16_t port : {tls_port_, mutual_port_}) {
      conf << "listener " << port << " 127.0.0.1\n"
           << "certfile " << (dir_ / "server.crt").string() << "\nkeyfile " << (dir_ / "server.key").string() << "\n";
      if (port == mutual_port_) conf << "cafile " << (dir_ / "ca.crt").string() << "\nrequire_certificate true\n";
    }
    conf.close();
    broker_ = ::fork();
    if (broker_ == 0) {
      ::freopen("/dev/null", "w", stderr);  // "should not be run as root"
      ::execlp("mosquitto", "mosquitto", "-c", (dir_ / "mosquitto.conf").c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100 && !(port_open(tls_port_) && port_open(mutual_port_)); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  static void TearDownTestSuite() {
    if (broker_ > 0) {
      ::kill(broker_, SIGTERM);
      ::waitpid(broker_, nullptr, 0);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  static client_options options(std::uint16_t port, tls_options tls) {
    client_options o;
    o.port = port;
    o.client_id = "tls-test";
    o.tls = std::move(tls);
    return o;
  }
  static std::string file(const std::string& name) { return (dir_ / name).string(); }

  static inline fs::path dir_;
  static inline pid_t broker_ = -1;
  static inline std::uint16_t tls_port_ = 0, mutual_port_ = 0;
};

// Connects, subscribes, publishes a QoS 1 message to itself and returns what came back.
asio::awaitable<std::string> echo(client_options options) {
  client c(co_await asio::this_coro::executor);
  std::string received;
  std::function<void(const mqtt::publish&)> keep = [&received](const mqtt::publish& p) { received = p.payload; };
  c.on_message(keep);
  auto ack = co_await c.connect(options);
  if (ack.reason != reason_code::success) co_return "refused";
  std::vector<std::string> filters{"tls/echo"};
  co_await c.subscribe(filters, qos::at_least_once);
  co_await c.publish("tls/echo", "over tls", qos::at_least_once);
  co_await c.drain();
  asio::steady_timer wait(co_await asio::this_coro::executor);
  for (int i = 0; i < 100 && received.empty(); ++i) {
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(asio::use_awaitable);
  }
  co_await c.disconnect();
  co_return received;
}

// Runs echo() to the end; rethrows what it threw.
std::string run_echo(client_options options) {
  asio::io_context io;
  auto result = asio::co_spawn(io, echo(std::move(options)), asio::use_future);
  io.run_for(std::chrono::seconds(10));
  if (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) throw std::runtime_error("timed out");
  return result.get();
}

TEST_F(MqttClientTls, VerifiesTheBrokerAgainstTheCaAndItsAddress) {
  EXPECT_EQ(run_echo(options(tls_port_, {.ca_file = file("ca.crt")})), "over tls");
}

TEST_F(MqttClientTls, SendsTheServerNameAndChecksIt) {
  EXPECT_EQ(run_echo(options(tls_port_, {.ca_file = file("ca.crt"), .server_name = "localhost"})), "over tls");
  EXPECT_THROW(run_echo(options(tls_port_, {.ca_file = file("ca.crt"), .server_name = "elsewhere.example"})),
               boost::system::system_error);
}

TEST_F(MqttClientTls, RefusesABrokerSignedByAnotherCa) {
  EXPECT_THROW(run_echo(options(tls_port_, {.ca_file = file("other-ca.crt")})), boost::system::system_error);
}

TEST_F(MqttClientTls, AcceptsAnyBrokerWhenVerificationIsOff) {
  EXPECT_EQ(run_echo(options(tls_port_, {.ca_file = file("other-ca.crt"), .verify = false})), "over tls");
}

TEST_F(MqttClientTls, PresentsAClientCertificate) {
  tls_options with_cert{.ca_file = file("ca.crt"), .cert_file = file("device.crt"), .key_file = file("device.key")};
  EXPECT_EQ(run_echo(options(mutual_port_, with_cert)), "over tls");
  // Without one, TLS 1.3 completes the client's handshake and the broker then closes.
  EXPECT_THROW(run_echo(options(mutual_port_, {.ca_file = file("ca.crt")})), boost::system::system_error);
}

std::shared_ptr<X509> read_certificate(const std::string& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "r"), std::fclose);
  return {f ? PEM_read_X509(f.get(), nullptr, nullptr, nullptr) : nullptr, X509_free};
}
std::shared_ptr<EVP_PKEY> read_key(const std::string& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "r"), std::fclose);
  return {f ? PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free};
}

// A simulator's way: one context for every device, each connection with its own identity.
TEST_F(MqttClientTls, PresentsAPerConnectionIdentityOverASharedContext) {
  auto shared = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  shared->load_verify_file(file("ca.crt"));
  shared->set_verify_mode(asio::ssl::verify_peer);
  auto certificate = read_certificate(file("device.crt"));
  auto key = read_key(file("device.key"));
  ASSERT_TRUE(certificate && key);

  tls_options identity{.context = shared, .certificate = certificate, .key = key};
  EXPECT_EQ(run_echo(options(mutual_port_, identity)), "over tls");
  // The context itself holds no identity: without one the broker refuses.
  EXPECT_THROW(run_echo(options(mutual_port_, {.context = shared})), boost::system::system_error);
  // A key that is not the certificate's is refused before anything is sent.
  tls_options mismatched{.context = shared, .certificate = certificate, .key = read_key(file("other-ca.key"))};
  EXPECT_THROW(run_echo(options(mutual_port_, mismatched)), boost::system::system_error);
}

TEST_F(MqttClientTls, RefusesAMissingCaFile) {
  EXPECT_THROW(run_echo(options(tls_port_, {.ca_file = file("missing.crt")})), boost::system::system_error);
}

}  // namespace
}  // namespace mothership::mqtt
