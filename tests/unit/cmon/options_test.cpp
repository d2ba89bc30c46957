// CmonClientOptions validation and the URL, fingerprint and loopback helpers (no network).
#include <gtest/gtest.h>

#include "cmon_mcp/cmon/client.hpp"

namespace cmon_mcp::cmon {
namespace {

CmonClientOptions good() {
  CmonClientOptions o;
  o.endpoints = {"https://127.0.0.1:9501"};
  o.username = "admin";
  o.password = "secret";
  return o;
}

bool has(const std::vector<std::string>& problems, std::string_view text) {
  for (const auto& p : problems)
    if (p.find(text) != std::string::npos) return true;
  return false;
}

TEST(ClientOptions, GoodOptionsValidate) {
  EXPECT_TRUE(good().validate().empty());
}

TEST(ClientOptions, EachProblemHasAClearMessage) {
  auto o = good();
  o.endpoints = {"http://10.0.0.5:9501"};
  EXPECT_TRUE(has(o.validate(), "CMON_ENDPOINT must be an https:// URL (got 'http://10.0.0.5:9501')"));
  o.endpoints = {"http://admin:pw@10.0.0.5"};
  auto p = o.validate();
  EXPECT_TRUE(has(p, "CMON_ENDPOINT must be an https:// URL"));
  EXPECT_FALSE(has(p, "pw@"));  // never echo credentials
  o.endpoints.clear();
  EXPECT_TRUE(has(o.validate(), "CMON_ENDPOINT is not set"));
  o = good();
  o.username.clear();
  EXPECT_TRUE(has(o.validate(), "CMON_USERNAME is not set"));
  o = good();
  o.password.clear();
  EXPECT_TRUE(has(o.validate(), "no CMON login method"));
  o.key_file = "/nonexistent/key.pem";
  EXPECT_TRUE(has(o.validate(), "CMON_KEY_FILE '/nonexistent/key.pem' cannot be read"));
  o = good();
  o.key_pem.clear();
  o.password.clear();
  o.key_pem = "-----BEGIN PRIVATE KEY-----\nxx\n-----END PRIVATE KEY-----\n";
  EXPECT_TRUE(has(o.validate(), "not an unencrypted PEM private key"));
  o = good();
  o.ca_file = "/nonexistent/ca.pem";
  EXPECT_TRUE(has(o.validate(), "CMON_CA_FILE"));
  o = good();
  o.tls_fingerprint = "AA:BB";
  EXPECT_TRUE(has(o.validate(), "CMON_TLS_FINGERPRINT must be"));
  o = good();
  o.pool_size = 0;
  EXPECT_TRUE(has(o.validate(), "CMON_POOL_SIZE"));
  o = good();
  o.default_timeout = std::chrono::milliseconds(0);
  EXPECT_TRUE(has(o.validate(), "CMON_TIMEOUT"));
}

TEST(ClientOptions, ConstructorRefusesInvalidOptions) {
  asio::io_context io;
  auto o = good();
  o.endpoints = {"ftp://x"};
  EXPECT_THROW(CmonClient(io.get_executor(), o), std::invalid_argument);
  CmonClient ok(io.get_executor(), good());
  EXPECT_EQ(ok.endpoint(), "https://127.0.0.1:9501");
}

TEST(EndpointUrl, Parses) {
  auto a = parse_endpoint("https://10.0.0.5");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 9501);
  EXPECT_EQ(a->to_string(), "https://10.0.0.5:9501");
  auto b = parse_endpoint("HTTPS://cc.example.com:443/cmon/v2/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "cc.example.com");
  EXPECT_EQ(b->port, 443);
  EXPECT_EQ(b->base_path, "/cmon");
  auto c = parse_endpoint("https://[::1]:9501/");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->to_string(), "https://[::1]:9501");
  EXPECT_FALSE(parse_endpoint("https://host:99999"));
  EXPECT_FALSE(parse_endpoint("https://host:abc"));
  EXPECT_FALSE(parse_endpoint("https://:9501"));
  EXPECT_FALSE(parse_endpoint("https://u:p@host"));
  EXPECT_FALSE(parse_endpoint("https://host/x?y=1"));
}

TEST(EndpointUrl, Loopback) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.8.9.10"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("10.0.0.5"));
  EXPECT_FALSE(is_loopback_host("cc.example.com"));
}

TEST(Fingerprint, AcceptsColonsAndPlainHex) {
  std::string hex(64, 'a');
  std::string colons;
  for (int i = 0; i < 32; ++i) colons += (i ? ":" : "") + std::string("AA");
  EXPECT_EQ(*normalize_fingerprint(colons), hex);
  EXPECT_EQ(*normalize_fingerprint(hex), hex);
  EXPECT_FALSE(normalize_fingerprint(hex.substr(2)));
  EXPECT_FALSE(normalize_fingerprint(std::string(64, 'g')));
}

TEST(TlsVerifyText, Parses) {
  EXPECT_EQ(*parse_tls_verify("auto"), TlsVerify::automatic);
  EXPECT_EQ(*parse_tls_verify("YES"), TlsVerify::yes);
  EXPECT_EQ(*parse_tls_verify("no"), TlsVerify::no);
  EXPECT_FALSE(parse_tls_verify("maybe"));
}

}  // namespace
}  // namespace cmon_mcp::cmon
