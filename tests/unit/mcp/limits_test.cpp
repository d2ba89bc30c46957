// The global bound on concurrent tool calls (CallLimiter) and the Prometheus registry (util::Metrics).
#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/detached.hpp>

#include "cmon_mcp/mcp/call_limiter.hpp"
#include "cmon_mcp/util/metrics.hpp"

namespace cmon_mcp::mcp {
namespace {

using Admission = CallLimiter::Admission;

// Runs every handler that is ready (waiters parked on their timers stay parked).
void drain(asio::io_context& io) {
  io.restart();
  while (io.poll() > 0) io.restart();
}

TEST(CallLimiter, QueuesInOrderRefusesWhenFullAndHandsSlotsOver) {
  asio::io_context io;
  CallLimiter limiter(2, 2);
  std::vector<std::pair<int, Admission>> log;
  auto take = [&](int n) -> awaitable<void> {
    Admission a = co_await limiter.acquire();
    log.emplace_back(n, a);
  };
  for (int n = 1; n <= 5; ++n) asio::co_spawn(io, take(n), asio::detached);
  drain(io);
  // Two run, two wait, the fifth is refused at once.
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0], std::make_pair(1, Admission::admitted));
  EXPECT_EQ(log[1], std::make_pair(2, Admission::admitted));
  EXPECT_EQ(log[2], std::make_pair(5, Admission::busy));
  EXPECT_EQ(limiter.running(), 2u);
  EXPECT_EQ(limiter.waiting(), 2u);
  limiter.release();  // slot of 1 goes to 3 (first in line)
  drain(io);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[3], std::make_pair(3, Admission::admitted));
  EXPECT_EQ(limiter.running(), 2u);
  limiter.release();
  drain(io);
  ASSERT_EQ(log.size(), 5u);
  EXPECT_EQ(log[4], std::make_pair(4, Admission::admitted));
  limiter.release();
  limiter.release();
  EXPECT_EQ(limiter.running(), 0u);
  EXPECT_EQ(limiter.waiting(), 0u);
}

TEST(CallLimiter, ACancelledWaiterLeavesTheLine) {
  asio::io_context io;
  CallLimiter limiter(1, 4);
  std::optional<Admission> first, second;
  asio::co_spawn(
      io, [&]() -> awaitable<void> { first = co_await limiter.acquire(); }, asio::detached);
  asio::cancellation_signal cancel;
  asio::co_spawn(
      io, [&]() -> awaitable<void> { second = co_await limiter.acquire(); },
      asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  drain(io);
  EXPECT_EQ(first, Admission::admitted);
  EXPECT_FALSE(second.has_value());
  EXPECT_EQ(limiter.waiting(), 1u);
  cancel.emit(asio::cancellation_type::terminal);
  drain(io);
  EXPECT_EQ(second, Admission::cancelled);
  EXPECT_EQ(limiter.waiting(), 0u);
  limiter.release();
  EXPECT_EQ(limiter.running(), 0u);
}

TEST(Metrics, RendersCountersHistogramsAndCallbacksInTextFormat) {
  util::Metrics m;
  m.describe("requests_total", "requests answered");
  m.inc("requests_total", {{"method", "tools/call"}, {"outcome", "ok"}});
  m.inc("requests_total", {{"method", "tools/call"}, {"outcome", "ok"}}, 2);
  m.inc("requests_total", {{"method", "a\"b\\c\nd"}});
  m.observe("latency_seconds", {{"tool", "x"}}, 0.003);
  m.observe("latency_seconds", {{"tool", "x"}}, 2.0);
  m.observe("latency_seconds", {{"tool", "x"}}, 100.0);
  m.callback("sessions", "gauge", "open sessions", [] {
    return std::vector<std::pair<util::Labels, double>>{{{{"transport", "http"}}, 7}};
  });
  EXPECT_EQ(m.value("requests_total", {{"method", "tools/call"}, {"outcome", "ok"}}), 3);
  EXPECT_EQ(m.value("latency_seconds", {{"tool", "x"}}), 3);
  std::string text = m.render();
  EXPECT_NE(text.find("# HELP requests_total requests answered\n# TYPE requests_total counter\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("requests_total{method=\"tools/call\",outcome=\"ok\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("requests_total{method=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE latency_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{tool=\"x\",le=\"0.0025\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{tool=\"x\",le=\"0.005\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{tool=\"x\",le=\"2.5\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{tool=\"x\",le=\"60\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{tool=\"x\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_count{tool=\"x\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_sum{tool=\"x\"} 102.003\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE sessions gauge\nsessions{transport=\"http\"} 7\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace cmon_mcp::mcp
