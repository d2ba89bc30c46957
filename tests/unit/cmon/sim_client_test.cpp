// CmonClient against the real cmon-sim process (tests/sim) over HTTPS on 127.0.0.1: the simulator's
// own counters prove the client's behaviour (one re-login, few connections, rejected logins).
#include <filesystem>
#include <fstream>
#include <future>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <boost/asio/use_future.hpp>

#include "cmon_mcp/cmon/client.hpp"
#include "cmon_mcp/cmon/errors.hpp"
#include "sim_process.hpp"

namespace cmon_mcp::cmon {
namespace {

using namespace std::chrono_literals;

template <class F>
auto run(asio::io_context& io, F f) {
  auto fut = asio::co_spawn(io, f(), asio::use_future);
  io.restart();
  io.run();
  return fut.get();
}

std::string temp_file(const std::string& name, const std::string& text) {
  auto p =
      std::filesystem::temp_directory_path() / ("cmon_sim_client_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p.string();
}

struct SimFixture : ::testing::Test {
  asio::io_context io;

  CmonClientOptions options(const test::SimProcess& sim) {
    CmonClientOptions o;
    o.endpoints = {sim.endpoint()};
    o.username = "admin";
    o.password = "admin";
    o.login_backoff = 60s;
    o.login_backoff_max = 120s;
    return o;
  }
  Result<json> call1(CmonClient& c, CallOptions opt = {}) {
    return run(io, [&]() -> awaitable<Result<json>> {
      json fields{{"with_hosts", true}};
      co_return co_await c.call("/v2/clusters", "getAllClusterInfo", std::move(fields), opt);
    });
  }
};

TEST_F(SimFixture, PasswordLoginKeepAliveAndOneReloginFor50ConcurrentCalls) {
  test::SimProcess sim;
  auto o = options(sim);
  o.pool_size = 4;
  CmonClient c(io.get_executor(), o);
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(call1(c)) << i;
  auto st = sim.stats();
  EXPECT_EQ(st["password_logins"], 1);
  EXPECT_LE(st["connections_accepted"].get<int>(), 2);  // 201 requests over keep-alive

  sim.reset_stats();
  sim.expire_sessions();
  std::vector<std::future<Result<json>>> futures;
  for (int i = 0; i < 50; ++i)
    futures.push_back(asio::co_spawn(
        io,
        [&c]() -> awaitable<Result<json>> { co_return co_await c.call("/v2/clusters", "getAllClusterInfo"); },
        asio::use_future));
  io.restart();
  io.run();
  for (auto& f : futures) {
    auto r = f.get();
    EXPECT_TRUE(r) << describe(r.error());
  }
  EXPECT_EQ(sim.stats()["logins"], 1);  // exactly one re-login
  EXPECT_EQ(c.stats().relogins, 1u);
}

TEST_F(SimFixture, WrongPasswordIsRejectedOnceThenBacksOff) {
  test::SimProcess sim;
  auto o = options(sim);
  o.password = "nope";
  CmonClient c(io.get_executor(), o);
  for (int i = 0; i < 3; ++i) {
    auto r = call1(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::auth_failed);
    EXPECT_EQ(r.error().message.rfind("CMON rejected the login of user 'admin' (AccessDenied)", 0), 0u)
        << r.error().message;
  }
  EXPECT_EQ(sim.stats()["failed_logins"], 1);
}

TEST_F(SimFixture, KeyLoginGoodWrongAndUnregistered) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  EVP_PKEY* other = EVP_RSA_gen(2048);
  auto pem = [](EVP_PKEY* k, bool pub) {
    BIO* b = BIO_new(BIO_s_mem());
    pub ? PEM_write_bio_PUBKEY(b, k)
        : PEM_write_bio_PrivateKey_traditional(b, k, nullptr, nullptr, 0, nullptr, nullptr);
    char* d = nullptr;
    long n = BIO_get_mem_data(b, &d);
    std::string s(d, static_cast<std::size_t>(n));
    BIO_free(b);
    return s;
  };
  std::string pub = temp_file("alice.pub", pem(key, true));
  test::SimProcess sim({"--user-key", "alice:" + pub});
  auto o = options(sim);
  o.username = "alice";
  o.password.clear();
  o.key_pem = pem(key, false);
  {
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    EXPECT_TRUE(r) << describe(r.error());
  }
  EXPECT_EQ(sim.stats()["key_logins"], 1);
  o.key_pem = pem(other, false);  // a key CMON does not know for alice
  {
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::auth_failed);
  }
  o.username = "admin";  // a user without any registered public key
  {
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::auth_failed);
  }
  EXPECT_EQ(sim.stats()["key_logins"], 1);
  std::filesystem::remove(pub);
  EVP_PKEY_free(key);
  EVP_PKEY_free(other);
}

TEST_F(SimFixture, FaultModesMapToErrcAndRecover) {
  test::SimProcess sim;
  CmonClient c(io.get_executor(), options(sim));
  ASSERT_TRUE(call1(c));
  struct {
    const char* mode;
    Errc code;
  } cases[] = {{"html500", Errc::bad_reply},
               {"malformed", Errc::bad_reply},
               {"drop", Errc::unreachable},
               {"wrong_status", Errc::failed},
               {"down", Errc::unreachable}};
  for (auto [mode, code] : cases) {
    json fault{{"mode", mode}};
    sim.set_fault(fault);
    auto r = call1(c);
    ASSERT_FALSE(r) << mode;
    EXPECT_EQ(r.error().code, code) << mode << ": " << describe(r.error());
    sim.clear_fault();
    auto ok = call1(c);
    EXPECT_TRUE(ok) << "recovery after " << mode << ": " << (ok ? "" : describe(ok.error()));
  }
  json delay{{"mode", "delay"}, {"delay_ms", 3000}};
  sim.set_fault(delay);
  CallOptions short_timeout;
  short_timeout.timeout = 300ms;
  auto r = call1(c, short_timeout);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::timeout);
  sim.clear_fault();
  EXPECT_TRUE(call1(c));
}

TEST_F(SimFixture, TlsPinRightAndWrong) {
  test::SimProcess sim;
  auto o = options(sim);
  o.tls_fingerprint = sim.fingerprint();
  o.tls_verify = TlsVerify::yes;  // chain verification would fail: the pin alone is not enough here
  {
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::tls);
  }
  o.tls_verify = TlsVerify::automatic;
  {
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    EXPECT_TRUE(r) << describe(r.error());
  }
  o.tls_fingerprint = std::string(64, 'a');
  {
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    ASSERT_FALSE(r);
    EXPECT_NE(describe(r.error()).find("does not match CMON_TLS_FINGERPRINT"), std::string::npos);
  }
  EXPECT_EQ(sim.stats()["logins"], 1);
}

}  // namespace
}  // namespace cmon_mcp::cmon
