// stdio framing: a reader thread splits stdin into lines, the session strand dispatches them, a writer
// thread drains the outbound queue to stdout. Replies may go out in any order (JSON-RPC ids pair them).
#include "cmon_mcp/transport/stdio.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
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

// Splits stdin into lines on its own thread (blocking reads work for pipes, files and terminals alike)
// and hands each event to `deliver`, on that thread. stop() wakes it through an eventfd and joins it: the
// thread never outlives the transport (a detached reader could post to an io_context already gone).
struct StdioTransport::InputEvent {
  enum class Kind { line, oversized, eof };
  Kind kind;
  std::string line;
};

class StdioTransport::Reader {
 public:
  using Event = InputEvent;
  using Deliver = std::function<void(Event)>;

  Reader(int fd, size_t max_line_bytes, Deliver deliver)
      : fd_(fd),
        max_line_bytes_(max_line_bytes),
        deliver_(std::move(deliver)),
        wake_fd_(::eventfd(0, EFD_CLOEXEC)) {
    thread_ = std::thread([this] { loop(); });
  }
  ~Reader() {
    stop();
    if (wake_fd_ >= 0) ::close(wake_fd_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  void stop() {
    stopping_ = true;
    if (wake_fd_ >= 0) {
      std::uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
    }
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

 private:
  // True when fd_ has input (or EOF, or an error read() will report); false once stop() was called.
  bool wait_readable() {
    for (;;) {
      if (stopping_) return false;
      pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      // Without an eventfd (it failed to open) stop() is noticed within the poll timeout.
      int n = ::poll(fds, wake_fd_ >= 0 ? 2 : 1, wake_fd_ >= 0 ? -1 : 200);
      if (n < 0 && errno != EINTR) return true;  // read() reports the error
      if (n <= 0 || stopping_) continue;
      if (fds[0].revents != 0) return true;
    }
  }

  void loop() {
    std::string pending;
    bool oversized = false;
    char buffer[65536];
    while (wait_readable()) {
      ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        if (!pending.empty() && !oversized) deliver_({Event::Kind::line, std::move(pending)});
        deliver_({Event::Kind::eof, {}});
        return;
      }
      for (ssize_t i = 0; i < n; ++i) {
        char c = buffer[i];
        if (c != '\n') {
          if (pending.size() < max_line_bytes_) {
            pending.push_back(c);
          } else {
            oversized = true;
          }
          continue;
        }
        if (oversized) {
          deliver_({Event::Kind::oversized, {}});
        } else {
          deliver_({Event::Kind::line, std::move(pending)});
        }
        pending.clear();
        oversized = false;
      }
    }
  }

  int fd_;
  size_t max_line_bytes_;
  Deliver deliver_;
  int wake_fd_;
  std::atomic<bool> stopping_{false};
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
  reader_.reset();
  writer_->close();
}

void StdioTransport::start(std::function<void()> on_done) {
  on_done_ = std::move(on_done);
  work_.emplace(asio::make_work_guard(executor_));
  // The reader holds no reference to the transport: events for a transport already gone are dropped.
  reader_ =
      std::make_unique<Reader>(options_.in_fd, options_.max_line_bytes,
                               [weak = weak_from_this(), strand = session_->strand()](InputEvent event) {
                                 asio::post(strand, [weak, event = std::move(event)]() mutable {
                                   if (auto self = weak.lock()) self->on_event(std::move(event));
                                 });
                               });
}

void StdioTransport::on_event(InputEvent event) {
  switch (event.kind) {
    case InputEvent::Kind::line:
      return on_line(std::move(event.line));
    case InputEvent::Kind::oversized:
      return writer_->send(mcp::make_error(
          nullptr, mcp::error_code::parse_error,
          "Parse error: message larger than " + std::to_string(options_.max_line_bytes) + " bytes"));
    case InputEvent::Kind::eof:
      return on_eof();
  }
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
    // Cancel what still runs and wait for it to unwind: a request left running would outlive the
    // objects it uses once the owner stops the io_context and destroys them.
    spdlog::warn("stdin closed; cancelling {} request(s) still running after the drain deadline",
                 self->in_flight_);
    self->session_->close();
    self->drain_timer_->expires_after(self->options_.cancel_grace);
    self->drain_timer_->async_wait([self](boost::system::error_code ec) {
      if (ec) return;
      spdlog::warn("stdio: {} request(s) did not end when cancelled; giving up on them", self->in_flight_);
      self->gave_up_ = true;
      self->finish_if_drained();
    });
  });
}

void StdioTransport::finish_if_drained() {
  if (!eof_ || (in_flight_ != 0 && !gave_up_) || done_) return;
  done_ = true;
  if (drain_timer_) drain_timer_->cancel();
  if (reader_) reader_->stop();
  session_->close();
  writer_->close();
  work_.reset();
  if (on_done_) on_done_();
}

}  // namespace cmon_mcp::transport
