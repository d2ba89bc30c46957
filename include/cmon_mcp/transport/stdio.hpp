// The stdio transport: newline-delimited JSON-RPC on stdin/stdout, one session per process.
// stdout carries protocol messages only; logs go to stderr (mcp-protocol-notes §16.1).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>

#include "cmon_mcp/mcp/dispatcher.hpp"

namespace cmon_mcp::transport {

struct StdioOptions {
  int in_fd = 0;
  int out_fd = 1;
  // A line longer than this is answered with a parse error and skipped.
  size_t max_line_bytes = 4 * 1024 * 1024;
  // After EOF on stdin, in-flight requests get this long to finish.
  std::chrono::milliseconds drain_deadline{std::chrono::seconds(5)};
  // Then they are cancelled, and get this long to unwind before they are given up on.
  std::chrono::milliseconds cancel_grace{std::chrono::seconds(1)};
};

// Runs the stdio session until stdin reaches EOF (or stop() is called), then drains in-flight requests
// within the deadline, flushes stdout and invokes `on_done`. Reading and writing use one thread each
// (blocking I/O works for pipes, files and terminals alike); all protocol work runs on `executor`.
class StdioTransport : public std::enable_shared_from_this<StdioTransport> {
 public:
  StdioTransport(asio::any_io_executor executor, mcp::Dispatcher& dispatcher, StdioOptions options = {});
  ~StdioTransport();

  void start(std::function<void()> on_done);
  // Ends the session as if stdin had closed.
  void stop();

 private:
  class Writer;
  class Reader;
  struct InputEvent;
  void on_event(InputEvent event);
  void on_line(std::string line);
  void on_eof();
  void finish_if_drained();

  asio::any_io_executor executor_;
  mcp::Dispatcher& dispatcher_;
  StdioOptions options_;
  std::shared_ptr<mcp::Session> session_;
  std::shared_ptr<Writer> writer_;
  std::function<void()> on_done_;
  size_t in_flight_ = 0;
  bool eof_ = false;
  // Requests still running after the drain deadline and the cancellation grace: abandoned.
  bool gave_up_ = false;
  bool done_ = false;
  std::unique_ptr<asio::steady_timer> drain_timer_;
  std::unique_ptr<Reader> reader_;
  // Keeps io_context::run() alive while the reader thread waits for input.
  std::optional<asio::executor_work_guard<asio::any_io_executor>> work_;
};

}  // namespace cmon_mcp::transport
