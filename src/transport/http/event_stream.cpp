// SSE event streams: numbering, the bounded replay buffer and waking the attached connection.
#include "event_stream.hpp"

#include <boost/asio/post.hpp>

#include "cmon_mcp/mcp/jsonrpc.hpp"

namespace cmon_mcp::transport::http {

Waker::Waker(asio::any_io_executor strand_executor) : timer_(std::move(strand_executor)) {}

void Waker::wake() {
  asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

EventStream::EventStream(std::string id, size_t capacity, bool with_ids)
    : id_(std::move(id)), capacity_(capacity == 0 ? 1 : capacity), with_ids_(with_ids) {}

void EventStream::send(const nlohmann::json& message) {
  std::lock_guard lock(mutex_);
  if (finished_ || closed_) return;
  ++related_;
  append_locked("message", mcp::serialize(message));
  wake_locked();
}

bool EventStream::open() const {
  std::lock_guard lock(mutex_);
  return !finished_ && !closed_;
}

void EventStream::push(std::string name, std::string data) {
  std::lock_guard lock(mutex_);
  if (finished_ || closed_) return;
  append_locked(std::move(name), std::move(data));
  wake_locked();
}

void EventStream::finish(std::optional<nlohmann::json> answer) {
  std::lock_guard lock(mutex_);
  if (finished_ || closed_) return;
  if (answer) {
    if (answer->is_array()) {
      for (const auto& element : *answer) append_locked("message", mcp::serialize(element));
    } else {
      append_locked("message", mcp::serialize(*answer));
    }
  }
  answer_ = std::move(answer);
  finished_ = true;
  wake_locked();
}

void EventStream::close() {
  std::lock_guard lock(mutex_);
  if (finished_ || closed_) return;
  closed_ = true;
  wake_locked();
}

bool EventStream::attach(std::shared_ptr<Waker> waker, bool take_over) {
  std::lock_guard lock(mutex_);
  if (waker_ && !take_over) return false;
  if (waker_) waker_->wake();  // the previous holder notices it lost the stream and ends
  waker_ = std::move(waker);
  return true;
}

bool EventStream::held_by(const std::shared_ptr<Waker>& waker) const {
  std::lock_guard lock(mutex_);
  return waker_ == waker;
}

void EventStream::detach(const std::shared_ptr<Waker>& waker) {
  std::lock_guard lock(mutex_);
  if (waker_ == waker) waker_.reset();
}

bool EventStream::attached() const {
  std::lock_guard lock(mutex_);
  return waker_ != nullptr;
}

EventStream::Snapshot EventStream::read_from(std::uint64_t from) const {
  std::lock_guard lock(mutex_);
  Snapshot s;
  s.ended = finished_ || closed_;
  s.closed = closed_;
  if (!events_) return s;
  if (!events_->empty() && from < events_->front().seq) s.lost = true;
  for (const auto& e : *events_)
    if (e.seq >= from) s.events.push_back(e);
  return s;
}

void EventStream::delivered(std::uint64_t next) {
  if (with_ids_) return;
  std::lock_guard lock(mutex_);
  if (!events_) return;
  while (!events_->empty() && events_->front().seq < next) events_->pop_front();
  if (events_->empty()) events_.reset();
}

std::uint64_t EventStream::next_seq() const {
  std::lock_guard lock(mutex_);
  return next_seq_;
}

size_t EventStream::related_count() const {
  std::lock_guard lock(mutex_);
  return related_;
}

bool EventStream::finished() const {
  std::lock_guard lock(mutex_);
  return finished_ || closed_;
}

std::optional<nlohmann::json> EventStream::answer() const {
  std::lock_guard lock(mutex_);
  return answer_;
}

void EventStream::append_locked(std::string name, std::string data) {
  if (!events_) events_ = std::make_unique<std::deque<Event>>();
  events_->push_back(Event{next_seq_++, std::move(name), std::move(data)});
  while (events_->size() > capacity_) events_->pop_front();
}

void EventStream::wake_locked() {
  if (waker_) waker_->wake();
}

std::optional<std::pair<std::string, std::uint64_t>> parse_event_id(std::string_view id) {
  auto dash = id.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= id.size() || id.size() > 64)
    return std::nullopt;
  std::uint64_t seq = 0;
  for (char c : id.substr(dash + 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return std::make_pair(std::string(id.substr(0, dash)), seq);
}

}  // namespace cmon_mcp::transport::http
