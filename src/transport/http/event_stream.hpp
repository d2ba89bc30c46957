// One SSE event stream of an HTTP session (a POST's response stream, the Streamable HTTP GET stream or
// a legacy /sse stream). It numbers events and keeps the last ones, which serves both as the bounded
// backlog of the connection writing it and as the Last-Event-ID replay buffer (§16.3 resumability).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "cmon_mcp/mcp/session.hpp"

namespace cmon_mcp::transport::http {

// Wakes the writer of the connection attached to a stream: a timer on the connection's strand whose
// cancellation ends the writer's wait (posted, so it is safe from any thread). Made with make_shared:
// a posted wake-up keeps it alive.
class Waker : public std::enable_shared_from_this<Waker> {
 public:
  explicit Waker(asio::any_io_executor strand_executor);
  void wake();
  asio::steady_timer& timer() { return timer_; }

 private:
  asio::steady_timer timer_;
};

class EventStream : public mcp::MessageSink {
 public:
  struct Event {
    std::uint64_t seq = 0;
    std::string name;  // SSE `event:` ("message", "endpoint"); empty for unnamed
    std::string data;
  };

  // `id` names the stream inside its session ("p3", "g1"); `with_ids` adds `id:` lines (Streamable
  // HTTP), legacy SSE streams carry none.
  EventStream(std::string id, size_t capacity, bool with_ids);

  // MessageSink: a related or session-wide message, sent as `event: message`.
  void send(const nlohmann::json& message) override;
  bool open() const override;

  // Any named event (the legacy `endpoint` event).
  void push(std::string name, std::string data);
  // The POST's direct answer: kept for a plain JSON reply, and also queued as events (one per batch
  // element) in case the reply became an SSE stream. nullopt: nothing owed (cancelled). Ends the stream.
  void finish(std::optional<nlohmann::json> answer);
  // Ends the stream without an answer (session deleted or expired, server stopping).
  void close();

  const std::string& id() const { return id_; }
  bool with_ids() const { return with_ids_; }
  std::string event_id(std::uint64_t seq) const { return id_ + "-" + std::to_string(seq); }

  // Connection side. attach() fails when another connection already writes this stream (409), unless
  // `take_over` (a client resuming with Last-Event-ID has given up the connection that held it).
  bool attach(std::shared_ptr<Waker> waker, bool take_over = false);
  bool held_by(const std::shared_ptr<Waker>& waker) const;
  void detach(const std::shared_ptr<Waker>& waker);
  bool attached() const;

  struct Snapshot {
    std::vector<Event> events;  // seq >= from, in order
    bool lost = false;          // events after `from` were already dropped from the buffer
    bool ended = false;         // finished or closed: nothing more will come after these events
    bool closed = false;        // closed without an answer
  };
  Snapshot read_from(std::uint64_t from) const;
  // The attached connection wrote every event before `next`. A stream without event ids can never be
  // resumed, so it drops them: a legacy SSE session then holds no copy of what it already delivered.
  void delivered(std::uint64_t next);
  // The seq the next event will get.
  std::uint64_t next_seq() const;

  // For the pending-then-SSE decision of a POST: messages sent before the answer.
  size_t related_count() const;
  bool finished() const;
  std::optional<nlohmann::json> answer() const;

 private:
  void append_locked(std::string name, std::string data);
  void wake_locked();

  const std::string id_;
  const size_t capacity_;
  const bool with_ids_;
  mutable std::mutex mutex_;
  // Allocated with the first event and freed when a stream without ids delivered them all: an empty
  // std::deque already holds a 512-byte block, and every session has a stream that is mostly empty.
  std::unique_ptr<std::deque<Event>> events_;
  std::uint64_t next_seq_ = 1;
  size_t related_ = 0;
  bool finished_ = false;
  bool closed_ = false;
  std::optional<nlohmann::json> answer_;
  std::shared_ptr<Waker> waker_;
};

// "p3-17" -> {"p3", 17}
std::optional<std::pair<std::string, std::uint64_t>> parse_event_id(std::string_view id);

}  // namespace cmon_mcp::transport::http
