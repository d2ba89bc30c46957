// Bind addresses, tokens, Origin/Host rules, Accept parsing, query parameters and SSE framing.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "cmon_mcp/transport/http_security.hpp"
#include "cmon_mcp/util/sha256.hpp"

using namespace cmon_mcp::transport;

TEST(BindAddress, ParsesHostPortForms) {
  auto v4 = parse_bind_address("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = parse_bind_address("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  auto name = parse_bind_address("localhost:9000");
  ASSERT_TRUE(name);
  EXPECT_EQ(name->host, "localhost");
  auto any = parse_bind_address(":8080");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->host, "0.0.0.0");
}

TEST(BindAddress, RejectsMalformedInput) {
  for (const char* bad :
       {"127.0.0.1", "::1:80", "[::1]", "[::1]80", "host:", "host:65536", "host:8o", "[::1:80"})
    EXPECT_FALSE(parse_bind_address(bad)) << bad;
}

TEST(Hosts, LoopbackNames) {
  for (const char* h : {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"})
    EXPECT_TRUE(is_loopback_host(h)) << h;
  for (const char* h : {"evil.example.com", "127.0.0.1.evil.com", "10.0.0.1", "", "localhost.evil"})
    EXPECT_FALSE(is_loopback_host(h)) << h;
  EXPECT_EQ(host_of_host_header("127.0.0.1:8080"), "127.0.0.1");
  EXPECT_EQ(host_of_host_header("[::1]:80"), "::1");
  EXPECT_EQ(host_of_host_header("Example.COM"), "example.com");
}

TEST(Origins, AllowedOnlyWhenLoopbackBaseOrListed) {
  std::vector<std::string> none;
  EXPECT_TRUE(origin_allowed("", none, ""));
  EXPECT_TRUE(origin_allowed("http://localhost:6274", none, ""));
  EXPECT_TRUE(origin_allowed("http://127.0.0.1", none, ""));
  EXPECT_TRUE(origin_allowed("http://[::1]:3000", none, ""));
  EXPECT_FALSE(origin_allowed("http://evil.example.com", none, ""));
  EXPECT_FALSE(origin_allowed("null", none, ""));
  EXPECT_FALSE(origin_allowed("http://localhost.evil.com", none, ""));
  EXPECT_TRUE(origin_allowed("https://proxy.example", none, "https://Proxy.example/cmon/"));
  EXPECT_FALSE(origin_allowed("http://proxy.example", none, "https://proxy.example/cmon"));
  EXPECT_TRUE(origin_allowed("https://app.example", {"https://app.example/"}, ""));
  EXPECT_TRUE(origin_allowed("https://anything.example", {"*"}, ""));
}

TEST(Tokens, ConstantTimeCheckOfEveryConfiguredToken) {
  TokenChecker off({});
  EXPECT_FALSE(off.enabled());
  TokenChecker checker({"old-token", "new-token"});
  EXPECT_TRUE(checker.enabled());
  EXPECT_EQ(checker.check("Bearer old-token"), AuthOutcome::ok);
  EXPECT_EQ(checker.check("bearer new-token"), AuthOutcome::ok);
  EXPECT_EQ(checker.check(""), AuthOutcome::missing);
  EXPECT_EQ(checker.check("Bearer new-token2"), AuthOutcome::invalid);
  EXPECT_EQ(checker.check("Bearer "), AuthOutcome::invalid);
  EXPECT_EQ(checker.check("Basic bmV3LXRva2Vu"), AuthOutcome::invalid);
  EXPECT_EQ(checker.check("new-token"), AuthOutcome::invalid);
}

TEST(Query, ParametersAndTokens) {
  EXPECT_EQ(query_param("sessionId=abc&x=1", "sessionId").value(), "abc");
  EXPECT_EQ(query_param("x=1&sessionId=a%2Fb", "sessionid").value(), "a/b");
  EXPECT_FALSE(query_param("x=1", "sessionId"));
  EXPECT_TRUE(query_has_token("sessionId=1&access_token=x"));
  EXPECT_TRUE(query_has_token("token=x"));
  EXPECT_FALSE(query_has_token("sessionId=1"));
}

TEST(Accept, LenientMatching) {
  EXPECT_TRUE(accepts("", "text/event-stream"));
  EXPECT_TRUE(accepts("application/json, text/event-stream", "text/event-stream"));
  EXPECT_TRUE(accepts("*/*", "application/json"));
  EXPECT_TRUE(accepts("text/*;q=0.5", "text/event-stream"));
  EXPECT_FALSE(accepts("application/json", "text/event-stream"));
  EXPECT_FALSE(accepts("text/event-stream", "application/json"));
}

TEST(Sse, EventFraming) {
  EXPECT_EQ(sse_event("{}", "p1-2", "message"), "event: message\nid: p1-2\ndata: {}\n\n");
  EXPECT_EQ(sse_event("", "p1-0", {}, 1000), "id: p1-0\nretry: 1000\ndata: \n\n");
  EXPECT_EQ(sse_event("a\nb"), "data: a\ndata: b\n\n");
}

TEST(SessionIds, RandomVisibleAscii) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto id = random_session_id();
    EXPECT_EQ(id.size(), 32u);
    for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Tokens, CallerIdentifiesTheTokenNotItsText) {
  TokenChecker checker({"first-token-abc", "second-token-xyz"});
  std::string a, b, again;
  EXPECT_EQ(checker.check("Bearer first-token-abc", &a), AuthOutcome::ok);
  EXPECT_EQ(checker.check("Bearer second-token-xyz", &b), AuthOutcome::ok);
  EXPECT_EQ(checker.check("bearer first-token-abc", &again), AuthOutcome::ok);
  EXPECT_EQ(a.size(), 16u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a, again);
  EXPECT_EQ(a.find("first"), std::string::npos);
  std::string none;
  EXPECT_EQ(checker.check("Bearer wrong", &none), AuthOutcome::invalid);
  EXPECT_TRUE(none.empty());
}

TEST(RateLimiter, BurstThenSustainedRatePerCaller) {
  using namespace std::chrono_literals;
  RateLimiter limiter(60, 3);  // one per second, three at once
  auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.admit("a", t0), 0) << i;
  EXPECT_EQ(limiter.admit("a", t0), 1);           // the bucket is empty: retry in a second
  EXPECT_EQ(limiter.admit("b", t0), 0);           // another caller has its own bucket
  EXPECT_EQ(limiter.admit("a", t0 + 500ms), 1);   // half a token back: not yet
  EXPECT_EQ(limiter.admit("a", t0 + 1100ms), 0);  // one token back
  EXPECT_EQ(limiter.admit("a", t0 + 1200ms), 1);
  EXPECT_EQ(limiter.admit("a", t0 + 60s), 0);  // refilled, but never beyond the burst
  EXPECT_EQ(limiter.admit("a", t0 + 60s), 0);
  EXPECT_EQ(limiter.admit("a", t0 + 60s), 0);
  EXPECT_GE(limiter.admit("a", t0 + 60s), 1);
  // A clock that goes backwards (another thread's earlier timestamp) neither refills nor breaks it.
  EXPECT_GE(limiter.admit("a", t0 + 59s), 1);
}

TEST(RateLimiter, DisabledAndBoundedMemory) {
  RateLimiter off(0, 10);
  EXPECT_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(off.admit("x"), 0);
  RateLimiter limiter(600, 2);
  auto t0 = RateLimiter::Clock::now();
  for (int i = 0; i < 10000; ++i) limiter.admit("client-" + std::to_string(i), t0);
  // Much later, callers whose buckets refilled are forgotten when the table grows.
  limiter.admit("late", t0 + std::chrono::minutes(5));
  EXPECT_LT(limiter.callers(), 100u);
}

namespace {
ScopedToken scoped(std::string name, std::uint8_t classes, std::vector<std::string> clusters,
                   const std::string& token) {
  ScopedToken t;
  t.principal.name = std::move(name);
  t.principal.classes = classes;
  t.principal.clusters = std::move(clusters);
  t.sha256_hex = cmon_mcp::util::sha256_hex(token);
  return t;
}
}  // namespace

TEST(Tokens, ScopedTokensCarryTheirPrincipal) {
  using cmon_mcp::mcp::Principal;
  auto dba = scoped("dba", Principal::kAll, {"1", "prod-galera"}, "dba-token-123456");
  // Digests may be written in upper case.
  for (auto& c : dba.sha256_hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  TokenChecker checker({"plain-token-1", "plain-token-1", "plain-token-2"},
                       {scoped("oncall", Principal::kRead, {}, "oncall-token-abcdef"), dba});
  EXPECT_TRUE(checker.enabled());
  TokenChecker::Match oncall, dba_match, plain, plain_again, plain2;
  ASSERT_EQ(checker.check("Bearer oncall-token-abcdef", oncall), AuthOutcome::ok);
  EXPECT_EQ(oncall.principal->name, "oncall");
  EXPECT_EQ(oncall.principal->classes, Principal::kRead);
  EXPECT_TRUE(oncall.principal->all_clusters());
  EXPECT_EQ(oncall.caller.size(), 16u);
  ASSERT_EQ(checker.check("Bearer dba-token-123456", dba_match), AuthOutcome::ok);
  EXPECT_EQ(dba_match.principal->name, "dba");
  EXPECT_EQ(dba_match.principal->clusters, (std::vector<std::string>{"1", "prod-galera"}));
  EXPECT_NE(dba_match.index, oncall.index);
  // MCP_AUTH_TOKEN's tokens: full rights, the name "token", each its own index (a repeated one counted once).
  ASSERT_EQ(checker.check("Bearer plain-token-1", plain), AuthOutcome::ok);
  ASSERT_EQ(checker.check("Bearer plain-token-1", plain_again), AuthOutcome::ok);
  ASSERT_EQ(checker.check("Bearer plain-token-2", plain2), AuthOutcome::ok);
  EXPECT_EQ(plain.principal->name, "token");
  EXPECT_EQ(plain.principal->classes, Principal::kAll);
  EXPECT_EQ(plain.index, plain_again.index);
  EXPECT_NE(plain.index, plain2.index);
  EXPECT_NE(plain.index, oncall.index);
  TokenChecker::Match none;
  EXPECT_EQ(checker.check("Bearer oncall-token-abcdeF", none), AuthOutcome::invalid);
  EXPECT_EQ(none.principal, nullptr);
  EXPECT_EQ(checker.check("", none), AuthOutcome::missing);
  // Scoped tokens alone enable authentication too.
  TokenChecker only_scoped({}, {scoped("oncall", Principal::kRead, {}, "oncall-token-abcdef")});
  EXPECT_TRUE(only_scoped.enabled());
  EXPECT_EQ(only_scoped.check("Bearer plain-token-1"), AuthOutcome::invalid);
}

TEST(Tokens, MalformedOrRepeatedDigestsAreProgrammingErrors) {
  using cmon_mcp::mcp::Principal;
  auto bad = scoped("bad", Principal::kRead, {}, "x");
  bad.sha256_hex.pop_back();
  EXPECT_THROW(TokenChecker({}, {bad}), std::invalid_argument);
  bad.sha256_hex += "g";
  EXPECT_THROW(TokenChecker({}, {bad}), std::invalid_argument);
  EXPECT_THROW(TokenChecker({"same-token-value"}, {scoped("a", Principal::kRead, {}, "same-token-value")}),
               std::invalid_argument);
}
