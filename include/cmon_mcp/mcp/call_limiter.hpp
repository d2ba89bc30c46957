// Bounds the tool calls running at once (all sessions and transports together) so that a burst from
// many clients cannot open hundreds of CMON requests or jobs at the same time. Calls beyond the bound
// wait in a FIFO queue; beyond the queue's bound they are refused at once as busy.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>

#include <boost/asio/steady_timer.hpp>

#include "cmon_mcp/util/asio.hpp"

namespace cmon_mcp::mcp {

class CallLimiter {
 public:
  CallLimiter(size_t max_running, size_t max_waiting);

  enum class Admission { admitted, busy, cancelled };
  // Takes a slot, waiting in line when all are taken. `busy` when the line is full too; `cancelled` when
  // the awaiting coroutine was cancelled while in line. Only `admitted` must be followed by release().
  awaitable<Admission> acquire();
  void release();

  size_t running() const;
  size_t waiting() const;
  size_t max_running() const { return max_running_; }

 private:
  struct Waiter {
    asio::steady_timer timer;
    bool granted = false;
    explicit Waiter(asio::any_io_executor ex) : timer(ex) {}
  };
  const size_t max_running_;
  const size_t max_waiting_;
  mutable std::mutex mutex_;
  size_t running_ = 0;
  std::deque<std::shared_ptr<Waiter>> queue_;
};

}  // namespace cmon_mcp::mcp
