// stdio framing: a reader thread splits stdin into lines, the session strand dispatches them, a writer
// thread drains the outbound queue to stdout. Replies may go out in any order (JSON-RPC ids pair them).
#include "cmon_mcp/transport/stdio.hpp"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "cmon_mcp/mcp/jsonrpc.hpp"

namespace cmon_mcp::transport {

// Serialises messages onto stdout from its own thread, so a slow reader never blocks the io threads.
class StdioTransport::Writer : public mcp::MessageSink {
 public:
  explicit Writer(int fd) : fd_(fd), thread_([this] { loop(); }) {}
  ~Writer() override { close(); }

  void send(const nlohmann::json& message) override {
    std::string line = mcp::serialize(message);
    line.push_back('\n');
    std::lock_guard lock(mutex_);
    if (closing_ || broken_) return;
    queue_.push_back(std::move(line));
    cv_.notify_one();
  }
  bool open() const override {
    std::lock_guard lock(mutex_);
    return !broken_ && !closing_;
  }

  // Writes what is queued, then stops the thread.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
      cv_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      std::string line = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      bool ok = write_all(line);
      lock.lock();
      if (!ok) {
        broken_ = true;
        queue_.clear();
      }
    }
  }

  bool write_all(const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        spdlog::warn("stdout closed by the client; dropping further messages");
        return false;
      }
      done += static_cast<size_t>(n);
    }
    return true;
  }

  int fd_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool closing_ = false;
  bool broken_ = false;
  std::thread thread_;
};

StdioTransport::StdioTransport(asio::any_io_executor executor, mcp::Dispatcher& dispatcher,
                               StdioOptions options)
    : executor_(std::move(executor)), dispatcher_(dispatcher), options_(options) {
  session_ = std::make_shared<mcp::Session>(executor_);
  writer_ = std::make_shared<Writer>(options_.out_fd);
  session_->set_stream(writer_);
}

StdioTransport::~StdioTransport() {
  if (reader_.joinable()) reader_.detach();  // blocked in read(); the process is ending anyway
  writer_->close();
}

void StdioTransport::start(std::function<void()> on_done) {
  on_done_ = std::move(on_done);
  work_.emplace(asio::make_work_guard(executor_));
  auto self = shared_from_this();
  reader_ = std::thread([self] {
    std::string pending;
    bool oversized = false;
    char buffer[65536];
    for (;;) {
      ssize_t n = ::read(self->options_.in_fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i) {
        char c = buffer[i];
        if (c != '\n') {
          if (pending.size() < self->options_.max_line_bytes) {
            pending.push_back(c);
          } else {
            oversized = true;
          }
          continue;
        }
        if (oversized) {
          asio::post(self->session_->strand(), [self] {
            self->writer_->send(mcp::make_error(nullptr, mcp::error_code::parse_error,
                                                "Parse error: message larger than " +
                                                    std::to_string(self->options_.max_line_bytes) +
                                                    " bytes"));
          });
        } else {
          asio::post(self->session_->strand(),
                     [self, line = std::move(pending)]() mutable { self->on_line(std::move(line)); });
        }
        pending.clear();
        oversized = false;
      }
    }
    if (!pending.empty() && !oversized)
      asio::post(self->session_->strand(),
                 [self, line = std::move(pending)]() mutable { self->on_line(std::move(line)); });
    asio::post(self->session_->strand(), [self] { self->on_eof(); });
  });
}

void StdioTransport::stop() {
  auto self = shared_from_this();
  asio::post(session_->strand(), [self] { self->on_eof(); });
}

void StdioTransport::on_line(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.find_first_not_of(" \t") == std::string::npos) return;  // blank lines are not messages
  if (eof_) return;
  ++in_flight_;
  auto self = shared_from_this();
  asio::co_spawn(
      session_->strand(),
      [self, line = std::move(line)]() -> awaitable<void> {
        auto reply = co_await self->dispatcher_.handle_frame(self->session_, line, self->writer_);
        if (reply) self->writer_->send(*reply);
      },
      [self](std::exception_ptr ep) {
        if (ep) {
          try {
            std::rethrow_exception(ep);
          } catch (const std::exception& e) {
            spdlog::error("stdio: request failed: {}", e.what());
          }
        }
        --self->in_flight_;
        self->finish_if_drained();
      });
}

void StdioTransport::on_eof() {
  if (eof_) return;
  eof_ = true;
  spdlog::debug("stdin closed; {} request(s) in flight", in_flight_);
  if (in_flight_ == 0) return finish_if_drained();
  drain_timer_ = std::make_unique<asio::steady_timer>(session_->strand(), options_.drain_deadline);
  auto self = shared_from_this();
  drain_timer_->async_wait([self](boost::system::error_code ec) {
    if (ec) return;
    spdlog::warn("stdin closed; abandoning {} request(s) still running after the drain deadline",
                 self->in_flight_);
    self->abandoned_ = true;
    self->session_->close();
    self->finish_if_drained();
  });
}

void StdioTransport::finish_if_drained() {
  if (!eof_ || (in_flight_ != 0 && !abandoned_) || done_) return;
  done_ = true;
  if (drain_timer_) drain_timer_->cancel();
  session_->close();
  writer_->close();
  work_.reset();
  if (on_done_) on_done_();
}

}  // namespace cmon_mcp::transport
