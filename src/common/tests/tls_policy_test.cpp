#include "common/tls_policy.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace {

// The suites an SSL of the context would offer for TLS 1.2, by OpenSSL name.
std::vector<std::string> tls12_suites(SSL_CTX* ctx) {
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx), SSL_free);
  std::vector<std::string> out;
  STACK_OF(SSL_CIPHER)* list = SSL_get_ciphers(ssl.get());
  for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
    if (SSL_CIPHER_get_protocol_id(c) >> 8 == 0x13) continue;  // TLS 1.3 suites: 0x13xx
    out.push_back(SSL_CIPHER_get_name(c));
  }
  return out;
}

TEST(tls_policy, tls12_offers_only_ecdhe_with_aead) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  ASSERT_TRUE(mothership::common::apply_server_tls_policy(ctx.get()));
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_2_VERSION);
  auto suites = tls12_suites(ctx.get());
  ASSERT_FALSE(suites.empty());
  for (const auto& name : suites) {
    EXPECT_EQ(name.rfind("ECDHE-", 0), 0u) << name;
    EXPECT_TRUE(name.find("GCM") != std::string::npos || name.find("CHACHA20-POLY1305") != std::string::npos) << name;
  }
}

TEST(tls_policy, tls13_suites_are_left_alone) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> plain(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  ASSERT_TRUE(mothership::common::apply_server_tls_policy(ctx.get()));
  auto tls13 = [](SSL_CTX* c) {
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(c), SSL_free);
    int n = 0;
    STACK_OF(SSL_CIPHER)* list = SSL_get_ciphers(ssl.get());
    for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i)
      if (SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(list, i)) >> 8 == 0x13) ++n;
    return n;
  };
  EXPECT_GT(tls13(ctx.get()), 0);
  EXPECT_EQ(tls13(ctx.get()), tls13(plain.get()));
}

}  // namespace
