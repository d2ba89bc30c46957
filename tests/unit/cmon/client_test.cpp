// CmonClient over real HTTPS against FakeCmon (loopback): logins, sessions, pool, faults, TLS,
// timeouts and cancellation. Outcomes are asserted, never durations.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/use_future.hpp>

#include "cmon_mcp/cmon/client.hpp"
#include "cmon_mcp/cmon/errors.hpp"
#include "fake_cmon.hpp"

namespace cmon_mcp::cmon {
namespace {

using test::FakeCmon;
using test::FakeReply;
using test::FakeRequest;
using test::FakeSessions;
using namespace std::chrono_literals;

template <class F>
auto run(asio::io_context& io, F f) {
  auto fut = asio::co_spawn(io, f(), asio::use_future);
  io.restart();
  io.run();
  return fut.get();
}

struct Fixture : ::testing::Test {
  FakeSessions sessions;
  std::unique_ptr<FakeCmon> server =
      std::make_unique<FakeCmon>([this](const FakeRequest& r) { return sessions.handle(r); });
  asio::io_context io;

  CmonClientOptions options() {
    CmonClientOptions o;
    o.endpoints = {server->url()};
    o.username = "admin";
    o.password = "admin";
    o.default_timeout = 10s;
    o.login_backoff = 60s;
    o.login_backoff_max = 120s;
    return o;
  }

  Result<json> call1(CmonClient& c, std::string op = "getAllClusterInfo", CallOptions opt = {}) {
    return run(io, [&]() -> awaitable<Result<json>> {
      co_return co_await c.call("/v2/clusters", op, json::object(), opt);
    });
  }
};

std::string temp_file(const std::string& name, const std::string& text) {
  auto p = std::filesystem::temp_directory_path() /
           ("cmon_client_test_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p.string();
}

struct KeyPair {
  std::string private_pem, public_pem;
};
KeyPair make_key(bool pkcs8) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  auto text = [](BIO* bio) {
    char* d = nullptr;
    long n = BIO_get_mem_data(bio, &d);
    std::string s(d, static_cast<std::size_t>(n));
    BIO_free(bio);
    return s;
  };
  BIO* a = BIO_new(BIO_s_mem());
  if (pkcs8)
    PEM_write_bio_PrivateKey(a, key, nullptr, nullptr, 0, nullptr, nullptr);
  else
    PEM_write_bio_PrivateKey_traditional(a, key, nullptr, nullptr, 0, nullptr, nullptr);
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(b, key);
  KeyPair k{text(a), text(b)};
  EVP_PKEY_free(key);
  return k;
}

TEST_F(Fixture, PasswordLoginThenCallsReuseOneConnection) {
  CmonClient c(io.get_executor(), options());
  for (int i = 0; i < 200; ++i) {
    auto r = call1(c);
    ASSERT_TRUE(r) << describe(r.error());
    EXPECT_EQ(r->value("operation", ""), "getAllClusterInfo") << r->dump();
  }
  EXPECT_EQ(sessions.logins(), 1);
  EXPECT_EQ(server->connections(), 1);  // keep-alive: login and 200 calls on one connection
  EXPECT_EQ(server->requests(), 201);
  auto s = c.stats();
  EXPECT_EQ(s.logins, 1u);
  EXPECT_EQ(s.calls, 200u);
  EXPECT_EQ(s.errors, 0u);
  EXPECT_EQ(s.connections_opened, 1u);
  EXPECT_EQ(s.tls_handshakes, 1u);
  EXPECT_EQ(c.server_version(), "1.8.2");
}

TEST_F(Fixture, RequestsCarryContentLengthAndHostHeader) {
  std::string host;
  bool length = false;
  sessions.on_request = [&](const FakeRequest& r) {
    host = r.host_header;
    length = r.has_content_length;
    FakeReply rep;
    rep.body = {{"request_status", "Ok"}};
    return rep;
  };
  CmonClient c(io.get_executor(), options());
  ASSERT_TRUE(call1(c));
  EXPECT_TRUE(length);
  EXPECT_EQ(host, "127.0.0.1:" + std::to_string(server->port()));
}

TEST_F(Fixture, WrongPasswordFailsFastAndBacksOff) {
  auto o = options();
  o.password = "wrong";
  CmonClient c(io.get_executor(), o);
  auto r = call1(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::auth_failed);
  EXPECT_EQ(r.error().message,
            "CMON rejected the login of user 'admin' (AccessDenied): check CMON_USERNAME/CMON_PASSWORD");
  EXPECT_EQ(describe(r.error()), r.error().message);
  EXPECT_EQ(r.error().message.find("wrong"), std::string::npos);
  // Within the back-off window: same error, no new login attempt reaches the controller.
  for (int i = 0; i < 5; ++i) {
    auto again = call1(c);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().message, r.error().message);
  }
  EXPECT_EQ(sessions.failed_logins(), 1);
  EXPECT_EQ(c.stats().failed_logins, 1u);
}

TEST_F(Fixture, RsaKeyLoginPkcs1AndPkcs8) {
  for (bool pkcs8 : {false, true}) {
    auto key = make_key(pkcs8);
    sessions.public_key_pem = key.public_pem;
    auto o = options();
    o.password.clear();
    o.key_file = temp_file(pkcs8 ? "k8.pem" : "k1.pem", key.private_pem);
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    ASSERT_TRUE(r) << describe(r.error());
    std::filesystem::remove(o.key_file);
  }
  EXPECT_EQ(sessions.logins(), 2);
}

TEST_F(Fixture, RsaWrongKeyAndUnregisteredKeyAreRejected) {
  sessions.public_key_pem = make_key(false).public_pem;
  auto o = options();
  o.password.clear();
  o.key_pem = make_key(false).private_pem;  // not the registered one
  {
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::auth_failed);
    EXPECT_NE(r.error().message.find("CMON rejected the login of user 'admin' (AccessDenied)"),
              std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("CMON_KEY_FILE"), std::string::npos);
  }
  sessions.public_key_pem.clear();  // no public key registered for the user
  CmonClient c(io.get_executor(), o);
  auto r = call1(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::auth_failed);
  EXPECT_EQ(sessions.failed_logins(), 2);
}

TEST_F(Fixture, ExpiredSessionFiftyConcurrentCallsOneRelogin) {
  auto o = options();
  o.pool_size = 8;
  CmonClient c(io.get_executor(), o);
  ASSERT_TRUE(call1(c));
  sessions.expire_all();
  auto results = run(io, [&]() -> awaitable<std::vector<Result<json>>> {
    std::vector<std::future<Result<json>>> futures;
    for (int i = 0; i < 50; ++i)
      futures.push_back(asio::co_spawn(
          io,
          [&c]() -> awaitable<Result<json>> {
            co_return co_await c.call("/v2/clusters", "getAllClusterInfo");
          },
          asio::use_future));
    // Let the spawned calls run on this io_context until they are all done.
    asio::steady_timer t(io);
    for (;;) {
      bool done = true;
      for (auto& f : futures) done = done && f.wait_for(0s) == std::future_status::ready;
      if (done) break;
      t.expires_after(5ms);
      co_await t.async_wait(use_awaitable);
    }
    std::vector<Result<json>> out;
    for (auto& f : futures) out.push_back(f.get());
    co_return out;
  });
  for (auto& r : results) EXPECT_TRUE(r) << describe(r.error());
  EXPECT_EQ(sessions.logins(), 2);  // the first login and exactly one re-login
  EXPECT_EQ(c.stats().relogins, 1u);
  EXPECT_LE(server->connections(), 8);
}

TEST_F(Fixture, SessionLostAgainAfterReloginIsAuthFailed) {
  sessions.on_request = [](const FakeRequest&) {
    FakeReply r;
    r.status = 401;
    r.body = {{"request_status", "AuthRequired"}};
    return r;
  };
  CmonClient c(io.get_executor(), options());
  auto r = call1(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::auth_failed);
  EXPECT_NE(r.error().message.find("again right after a fresh login"), std::string::npos);
  EXPECT_EQ(sessions.logins(), 2);
}

TEST_F(Fixture, AuthRequiredWithHttp200AlsoRelogsIn) {
  std::atomic<int> n{0};
  sessions.on_request = [&](const FakeRequest&) {
    FakeReply r;
    r.body = {{"request_status", n++ == 0 ? "AuthRequired" : "Ok"}};
    return r;
  };
  CmonClient c(io.get_executor(), options());
  ASSERT_TRUE(call1(c));
  EXPECT_EQ(sessions.logins(), 2);
}

TEST_F(Fixture, StaleKeepAliveConnectionIsReplacedAndResentOnce) {
  std::atomic<int> n{0};
  sessions.on_request = [&](const FakeRequest&) {
    FakeReply r;
    r.body = {{"request_status", "Ok"}};
    r.drop_after = n++ == 0;  // server closes the idle connection behind the client's back
    return r;
  };
  CmonClient c(io.get_executor(), options());
  ASSERT_TRUE(call1(c));
  auto r = call1(c);
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_EQ(c.stats().resends, 1u);
  EXPECT_EQ(server->connections(), 2);
}

TEST_F(Fixture, FaultsMapToErrcAndRecover) {
  std::atomic<int> mode{0};
  sessions.on_request = [&](const FakeRequest&) {
    FakeReply r;
    switch (mode.load()) {
      case 1:
        r.status = 500, r.raw = "<html><body><h1>500 Internal Server Error</h1></body></html>";
        break;
      case 2:
        r.raw = "{\"request_status\": \"Ok\", ";
        break;
      case 3:
        r.drop_instead = true;
        break;
      case 4:
        r.body = {{"request_status", "TryAgain"}, {"error_string", "Starting."}};
        break;
      case 5:
        r.body = {{"request_status", "AccessDenied"}, {"error_string", "Access denied."}};
        break;
      default:
        r.body = {{"request_status", "Ok"}};
    }
    return r;
  };
  CmonClient c(io.get_executor(), options());
  ASSERT_TRUE(call1(c));
  struct {
    int mode;
    Errc code;
  } cases[] = {{1, Errc::bad_reply},
               {2, Errc::bad_reply},
               {3, Errc::unreachable},
               {4, Errc::try_again},
               {5, Errc::access_denied}};
  for (auto [m, code] : cases) {
    mode = m;
    auto r = call1(c);
    ASSERT_FALSE(r) << m;
    EXPECT_EQ(r.error().code, code) << m << ": " << describe(r.error());
    if (m == 1) {
      EXPECT_EQ(r.error().http_status, 500);
    }
    mode = 0;
    EXPECT_TRUE(call1(c)) << "recovery after mode " << m;
  }
}

TEST_F(Fixture, TimeoutThenRecovery) {
  std::atomic<int> delay{2000};
  sessions.on_request = [&](const FakeRequest&) {
    FakeReply r;
    r.body = {{"request_status", "Ok"}};
    r.delay_ms = delay.load();
    return r;
  };
  CmonClient c(io.get_executor(), options());
  CallOptions opt;
  opt.timeout = 300ms;
  auto r = call1(c, "getBackups", opt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::timeout);
  EXPECT_EQ(describe(r.error()).rfind("CMON call getBackups timed out after 300 ms", 0), 0u)
      << describe(r.error());
  delay = 0;
  EXPECT_TRUE(call1(c));
}

TEST_F(Fixture, CancellationOfAnInFlightCallLeavesThePoolUsable) {
  std::atomic<int> delay{5000};
  sessions.on_request = [&](const FakeRequest&) {
    FakeReply r;
    r.body = {{"request_status", "Ok"}};
    r.delay_ms = delay.load();
    return r;
  };
  auto o = options();
  o.pool_size = 1;
  CmonClient c(io.get_executor(), o);
  asio::cancellation_signal signal;
  auto fut = asio::co_spawn(
      io, [&]() -> awaitable<Result<json>> { co_return co_await c.call("/v2/clusters", "getClusterInfo"); },
      asio::bind_cancellation_slot(signal.slot(), asio::use_future));
  // Cancel once the request is on the wire (the server saw login + this request).
  asio::steady_timer poll(io);
  std::function<void(boost::system::error_code)> check = [&](boost::system::error_code) {
    if (server->requests() >= 2) {
      signal.emit(asio::cancellation_type::terminal);
      return;
    }
    poll.expires_after(5ms);
    poll.async_wait(check);
  };
  check({});
  io.restart();
  io.run();
  auto r = fut.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::cancelled);
  delay = 0;
  auto after = call1(c);
  EXPECT_TRUE(after) << describe(after.error());
}

TEST_F(Fixture, UnreachableControllerIsDescribed) {
  auto port = server->port();
  auto o = options();
  server.reset();  // nothing listens there any more
  o.endpoints = {"https://127.0.0.1:" + std::to_string(port)};
  CmonClient c(io.get_executor(), o);
  auto r = call1(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unreachable);
  EXPECT_NE(describe(r.error()).find("controller unreachable at https://127.0.0.1:"), std::string::npos);
  EXPECT_NE(describe(r.error()).find("check CMON_ENDPOINT"), std::string::npos);
}

TEST_F(Fixture, FailoverToTheNextEndpoint) {
  auto o = options();
  FakeSessions other;
  auto dead = std::make_unique<FakeCmon>([&](const FakeRequest& r) { return other.handle(r); });
  std::string dead_url = dead->url();
  dead.reset();
  o.endpoints = {dead_url, server->url()};
  CmonClient c(io.get_executor(), o);
  auto r = call1(c);
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_EQ(c.endpoint(), server->url());
}

TEST_F(Fixture, HaRedirectToTheLeader) {
  FakeSessions follower_sessions;
  unsigned short leader_port = server->port();
  FakeCmon follower([&](const FakeRequest&) {
    FakeReply r;
    r.body = {{"request_status", "Redirect"},
              {"controllers",
               {{{"hostname", "127.0.0.1"}, {"port", std::to_string(leader_port)}, {"role", "leader"}},
                {{"hostname", "127.0.0.2"}, {"port", 1}, {"role", "follower"}}}}};
    return r;
  });
  auto o = options();
  o.endpoints = {follower.url()};
  CmonClient c(io.get_executor(), o);
  auto r = call1(c);
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_EQ(c.endpoint(), server->url());
  EXPECT_GE(c.stats().redirects, 1u);
}

TEST_F(Fixture, EndlessRedirectsStopAfterFifteenHops) {
  FakeCmon loop([](const FakeRequest&) { return FakeReply{}; });
  unsigned short self = loop.port();
  loop.set_handler([self](const FakeRequest&) {
    FakeReply r;
    r.body = {{"request_status", "Redirect"},
              {"controllers", {{{"hostname", "127.0.0.1"}, {"port", self}, {"role", "leader"}}}}};
    return r;
  });
  auto o = options();
  o.endpoints = {loop.url()};
  CmonClient c(io.get_executor(), o);
  auto r = call1(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::redirect);
  EXPECT_EQ(loop.requests(), 16);
}

TEST_F(Fixture, TlsVerifyModes) {
  // auto on loopback: no verification needed.
  {
    CmonClient c(io.get_executor(), options());
    EXPECT_TRUE(call1(c));
  }
  // yes without a CA: the self-signed certificate is refused.
  {
    auto o = options();
    o.tls_verify = TlsVerify::yes;
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::tls);
    EXPECT_NE(describe(r.error()).find("CMON_TLS_VERIFY"), std::string::npos) << describe(r.error());
  }
  // yes with the certificate as CA file: accepted (host name 127.0.0.1 is in its SAN).
  std::string ca = temp_file("ca.pem", server->cert_pem());
  {
    auto o = options();
    o.tls_verify = TlsVerify::yes;
    o.ca_file = ca;
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    EXPECT_TRUE(r) << describe(r.error());
  }
  // A CA file that did not sign the server's certificate: refused even in auto mode.
  {
    FakeCmon other([](const FakeRequest&) { return FakeReply{}; });
    std::string wrong_ca = temp_file("wrong_ca.pem", other.cert_pem());
    auto o = options();
    o.ca_file = wrong_ca;
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::tls);
    std::filesystem::remove(wrong_ca);
  }
  std::filesystem::remove(ca);
  // Pin: right (colon form and plain hex), wrong.
  for (std::string pin : {server->fingerprint(), [&] {
                            std::string s = server->fingerprint();
                            s.erase(std::remove(s.begin(), s.end(), ':'), s.end());
                            return s;
                          }()}) {
    auto o = options();
    o.tls_fingerprint = pin;
    o.tls_verify = TlsVerify::no;
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    EXPECT_TRUE(r) << describe(r.error());
  }
  {
    auto o = options();
    o.tls_fingerprint = std::string(64, '0');
    const int attempts_before = sessions.failed_logins() + sessions.logins();
    CmonClient c(io.get_executor(), o);
    auto r = call1(c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::tls);
    EXPECT_EQ(describe(r.error()).rfind(
                  "TLS certificate of " + server->url() + " does not match CMON_TLS_FINGERPRINT", 0),
              0u)
        << describe(r.error());
    EXPECT_EQ(sessions.failed_logins() + sessions.logins(), attempts_before);  // the password never left
  }
}

}  // namespace
}  // namespace cmon_mcp::cmon
