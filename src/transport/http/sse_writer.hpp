// Writing an EventStream to an HTTP/1.1 connection as a chunked body of SSE events: the framing both
// writers share, and HeldStream, the writer of the long-lived GET streams (legacy /sse, Streamable HTTP
// GET /mcp).
//
// Why a GET stream is not a coroutine: such a stream stays open for hours with nothing to say, and the
// connection's coroutine chain (run_connection, serve, handle, the endpoint, the pump) kept about 3 KB
// of frames, the request's header and Beast's tcp_stream state alive for it. Once the response head is
// written, a HeldStream takes over the socket and the chain ends: a held stream is one object, one
// timer and one pending wait. The short-lived SSE responses of POSTs keep the coroutine pump.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>

#include "cmon_mcp/transport/http_security.hpp"
#include "event_stream.hpp"

namespace cmon_mcp::transport::http {

// One chunk of a chunked body.
inline std::string chunk(std::string_view data) {
  char size[32];
  int len = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  std::string out(size, static_cast<size_t>(len));
  out.append(data).append("\r\n");
  return out;
}

// The events of `snap` as one chunk ("" when there are none); `from` moves past them.
inline std::string events_chunk(const EventStream& es, const EventStream::Snapshot& snap,
                                std::uint64_t& from) {
  if (snap.events.empty()) return {};
  std::string out;
  for (const auto& e : snap.events) {
    out += sse_event(e.data, es.with_ids() ? es.event_id(e.seq) : "", e.name);
    from = e.seq + 1;
  }
  return chunk(out);
}

// Said when a stream's client fell so far behind that events it has not read were dropped.
inline void warn_fell_behind(size_t replay_events) {
  spdlog::warn("HTTP: an SSE client fell behind by more than {} events; closing its stream (it may resume)",
               replay_events);
}

struct HeldStreamOptions {
  std::chrono::milliseconds keepalive_interval;  // a comment after this long without a write
  std::chrono::milliseconds write_timeout;       // a peer that reads nothing for this long is dropped
  size_t replay_events;                          // for the "fell behind" warning
};

// Writes `es` from seq `from` on until the stream ends (then the chunked body is terminated), the peer
// closes, falls too far behind or stalls a write, another connection takes the stream over (a client
// resuming with Last-Event-ID), or abort(). Then it closes the socket, lets go of `es` (detach) and
// calls `on_end()`, once. Every
// handler runs on the socket's executor, the connection's strand, which is also the waker's; abort()
// must be called there too.
//
// `Socket`: asio::ip::tcp::socket, or beast::ssl_stream<beast::tcp_stream> for TLS. `OnEnd` is kept by
// value, so that a held stream is a single allocation with whatever its owner needs at the end.
template <class Socket, class OnEnd>
class HeldStream : public std::enable_shared_from_this<HeldStream<Socket, OnEnd>> {
 public:
  using Clock = std::chrono::steady_clock;

  HeldStream(Socket socket, std::shared_ptr<EventStream> es, std::shared_ptr<Waker> waker, std::uint64_t from,
             HeldStreamOptions options, OnEnd on_end)
      : socket_(std::move(socket)),
        es_(std::move(es)),
        waker_(std::move(waker)),
        from_(from),
        options_(options),
        on_end_(std::move(on_end)) {}

  void start() {
    last_write_ = Clock::now();
    watch_peer();
    step();
  }

  // Ends the stream now (server stopping): the socket closes and pending work completes.
  void abort() {
    if (ending_) return;
    peer_gone_ = true;
    close_socket();
  }

 private:
  asio::ip::tcp::socket& tcp() {
    if constexpr (std::is_same_v<Socket, asio::ip::tcp::socket>)
      return socket_;
    else
      return boost::beast::get_lowest_layer(socket_).socket();
  }

  // Decides what to do next: write pending events, end, send a keep-alive comment, or wait.
  void step() {
    if (ending_ || writing_) return;
    if (!es_->held_by(waker_)) return end();  // a resuming client took the stream over
    if (peer_gone_) return end();
    auto snap = es_->read_from(from_);
    if (snap.lost) {
      warn_fell_behind(options_.replay_events);
      return end();
    }
    if (auto data = events_chunk(*es_, snap, from_); !data.empty()) return write(std::move(data), false);
    if (snap.ended) return write("0\r\n\r\n", true);
    auto due = last_write_ + options_.keepalive_interval;
    if (Clock::now() >= due) return write(chunk(": keepalive\n\n"), false);
    arm(due);
  }

  void write(std::string data, bool last) {
    writing_ = true;
    out_ = std::move(data);
    write_deadline_ = Clock::now() + options_.write_timeout;
    arm(write_deadline_);
    asio::async_write(socket_, asio::buffer(out_),
                      [self = this->shared_from_this(), last](boost::system::error_code ec, size_t) {
                        self->writing_ = false;
                        std::string().swap(self->out_);
                        if (ec) return self->end();
                        self->es_->delivered(self->from_);
                        self->last_write_ = Clock::now();
                        if (last) return self->end();
                        self->step();
                      });
  }

  // The waker's timer has one wait pending at a time. It ends at the keep-alive due while idle and at
  // the write deadline while writing; a wake-up (new events, the stream ended) cancels it, and so does
  // moving it (expires_at), so every completion re-decides from the current state.
  void arm(Clock::time_point at) {
    waker_->timer().expires_at(at);
    if (waiting_) return;  // the pending wait completes as cancelled and its handler re-arms
    waiting_ = true;
    waker_->timer().async_wait([self = this->shared_from_this()](boost::system::error_code) {
      self->waiting_ = false;
      if (self->ending_) return;
      if (self->writing_) {
        if (Clock::now() >= self->write_deadline_) return self->close_socket();  // fails the write
        return self->arm(self->write_deadline_);
      }
      self->step();
    });
  }

  // A client sends nothing on an event stream: readable means closed (or data nobody needs, dropped).
  void watch_peer() {
    tcp().async_wait(
        asio::ip::tcp::socket::wait_read, [self = this->shared_from_this()](boost::system::error_code ec) {
          if (self->ending_) return;
          if (!ec) {
            char sink[256];
            boost::system::error_code rec;
            self->tcp().non_blocking(true, rec);  // only this read; Asio's own operations are unaffected
            if (!rec) self->tcp().read_some(asio::buffer(sink), rec);
            if (!rec || rec == asio::error::would_block) return self->watch_peer();
          }
          self->peer_gone_ = true;
          if (!self->writing_) self->step();
        });
  }

  void close_socket() {
    boost::system::error_code ec;
    tcp().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    tcp().close(ec);
  }

  void end() {
    if (ending_) return;
    ending_ = true;
    close_socket();  // completes the peer watch with an error
    waker_->timer().cancel();
    es_->detach(waker_);
    on_end_();
  }

  Socket socket_;
  std::shared_ptr<EventStream> es_;
  std::shared_ptr<Waker> waker_;
  std::uint64_t from_;
  HeldStreamOptions options_;
  OnEnd on_end_;
  std::string out_;
  Clock::time_point last_write_;
  Clock::time_point write_deadline_;
  bool writing_ = false;
  bool waiting_ = false;
  bool peer_gone_ = false;
  bool ending_ = false;
};

}  // namespace cmon_mcp::transport::http
