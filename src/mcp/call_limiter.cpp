// See call_limiter.hpp.
#include "cmon_mcp/mcp/call_limiter.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>

namespace cmon_mcp::mcp {

CallLimiter::CallLimiter(size_t max_running, size_t max_waiting)
    : max_running_(std::max<size_t>(1, max_running)), max_waiting_(max_waiting) {}

awaitable<CallLimiter::Admission> CallLimiter::acquire() {
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mutex_);
    if (running_ < max_running_) {
      ++running_;
      co_return Admission::admitted;
    }
    if (queue_.size() >= max_waiting_) co_return Admission::busy;
    waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    waiter->timer.expires_at(asio::steady_timer::time_point::max());
    queue_.push_back(waiter);
  }
  // release() hands its slot over by setting `granted` and cancelling the timer; a cancellation of this
  // coroutine cancels the wait too, and `granted` tells the two apart.
  co_await waiter->timer.async_wait(asio::as_tuple(use_awaitable));
  std::lock_guard lock(mutex_);
  if (waiter->granted) co_return Admission::admitted;
  queue_.erase(std::remove(queue_.begin(), queue_.end(), waiter), queue_.end());
  co_return Admission::cancelled;
}

void CallLimiter::release() {
  std::lock_guard lock(mutex_);
  if (!queue_.empty()) {
    // The slot passes straight to the first in line: running_ stays as it is.
    auto next = std::move(queue_.front());
    queue_.pop_front();
    next->granted = true;
    // Timers are not thread-safe: the cancel runs on the waiter's own executor (its session strand).
    auto ex = next->timer.get_executor();
    asio::post(ex, [next = std::move(next)] { next->timer.cancel(); });
    return;
  }
  if (running_ > 0) --running_;
}

size_t CallLimiter::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

size_t CallLimiter::waiting() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

}  // namespace cmon_mcp::mcp
