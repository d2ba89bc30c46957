// The stdio transport on pipes, for what the transcripts cannot show: how it ends. Its reader thread
// must end with it (not outlive it, blocked in read()), and requests still running at EOF are cancelled
// and awaited before on_done runs: the owner stops the io_context and destroys the dispatcher next.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/transport/stdio.hpp"
#include "test_tools.hpp"

using namespace cmon_mcp;
using nlohmann::json;

namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read_end >= 0) ::close(read_end);
    read_end = -1;
  }
  void close_write() {
    if (write_end >= 0) ::close(write_end);
    write_end = -1;
  }
};

// A stdio transport on two pipes, its io_context on a thread of its own.
struct Harness {
  explicit Harness(transport::StdioOptions options = {}) {
    test::register_test_tools(registry_);
    dispatcher_ = std::make_unique<mcp::Dispatcher>(mcp::DispatcherOptions{}, registry_, cmon_);
    options.in_fd = in_.read_end;
    options.out_fd = out_.write_end;
    transport_ = std::make_shared<transport::StdioTransport>(io_.get_executor(), *dispatcher_, options);
    transport_->start([this] {
      in_progress_at_done_ = dispatcher_->messages_in_progress();
      done_.set_value();
    });
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Harness() {
    io_.stop();
    thread_.join();
  }

  void send(const json& message) {
    std::string line = message.dump() + "\n";
    ASSERT_EQ(::write(in_.write_end, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }
  // The next line the server wrote, within 10 s.
  std::optional<json> receive() {
    std::string line;
    char c;
    while (true) {
      pollfd p{out_.read_end, POLLIN, 0};
      if (::poll(&p, 1, 10000) <= 0) return std::nullopt;
      if (::read(out_.read_end, &c, 1) != 1) return std::nullopt;
      if (c == '\n') return json::parse(line);
      line.push_back(c);
    }
  }
  void initialize() {
    send({{"jsonrpc", "2.0"},
          {"id", 1},
          {"method", "initialize"},
          {"params",
           {{"protocolVersion", "2025-06-18"},
            {"capabilities", json::object()},
            {"clientInfo", {{"name", "t"}, {"version", "1"}}}}}});
    auto reply = receive();
    ASSERT_TRUE(reply);
    ASSERT_TRUE(reply->contains("result")) << reply->dump();
    send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  }
  bool wait_in_progress(size_t n) {
    for (int i = 0; i < 1000; ++i) {
      if (dispatcher_->messages_in_progress() == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  bool wait_done() { return done_future_.wait_for(std::chrono::seconds(10)) == std::future_status::ready; }

  // Declared in construction order, destroyed in reverse: the io_context outlives everything that
  // holds its I/O objects and strands, the pipes outlive the transport that reads them.
  asio::io_context io_;
  tools::Registry registry_;
  test::NoCmon cmon_;
  std::unique_ptr<mcp::Dispatcher> dispatcher_;
  Pipe in_, out_;
  std::promise<void> done_;
  std::future<void> done_future_ = done_.get_future();
  std::atomic<size_t> in_progress_at_done_{0};
  std::shared_ptr<transport::StdioTransport> transport_;
  std::thread thread_;
};

}  // namespace

TEST(StdioTransport, StopEndsTheReaderWhileStdinStaysOpen) {
  Harness h;
  h.initialize();
  h.transport_->stop();
  ASSERT_TRUE(h.wait_done());
  // The reader thread was blocked in read() on a pipe nobody closed; destroying the transport joins
  // it (it used to be detached, and could post into an io_context already destroyed).
  h.transport_.reset();
  // Input after the end reaches nobody and breaks nothing.
  h.send({{"jsonrpc", "2.0"}, {"id", 9}, {"method", "ping"}});
}

TEST(StdioTransport, EofCancelsRequestsStillRunningAfterTheDrainDeadlineAndAwaitsThem) {
  transport::StdioOptions options;
  options.drain_deadline = std::chrono::milliseconds(100);
  Harness h(options);
  h.initialize();
  h.send({{"jsonrpc", "2.0"},
          {"id", 2},
          {"method", "tools/call"},
          {"params", {{"name", "slow"}, {"arguments", {{"ms", 60000}}}}}});
  ASSERT_TRUE(h.wait_in_progress(1));
  h.in_.close_write();  // EOF
  ASSERT_TRUE(h.wait_done());
  EXPECT_EQ(h.in_progress_at_done_.load(), 0u);
}

TEST(StdioTransport, EofLetsRequestsFinishWithinTheDrainDeadline) {
  Harness h;
  h.initialize();
  h.send({{"jsonrpc", "2.0"},
          {"id", 2},
          {"method", "tools/call"},
          {"params", {{"name", "slow"}, {"arguments", {{"ms", 200}}}}}});
  h.in_.close_write();
  auto reply = h.receive();
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)["id"], 2);
  EXPECT_FALSE((*reply)["result"].value("isError", false)) << reply->dump();
  ASSERT_TRUE(h.wait_done());
  EXPECT_EQ(h.in_progress_at_done_.load(), 0u);
}
