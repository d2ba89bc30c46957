// One MCP client conversation, whatever the transport: negotiated version, client capabilities, log
// level, in-flight requests (for cancellation) and server->client requests awaiting an answer.
// All state is touched only on the session's strand; transports run the dispatcher there.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/cancellation_signal.hpp>
#include <nlohmann/json.hpp>

#include "cmon_mcp/mcp/principal.hpp"
#include "cmon_mcp/util/asio.hpp"

namespace cmon_mcp::mcp {

using nlohmann::json;

// Where the server writes messages for the client. Transports implement it. `send` never blocks and
// may be called from any thread; implementations post to their own executor. A sink whose peer went
// away drops messages silently (and reports it through `open()`).
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual void send(const json& message) = 0;
  virtual bool open() const { return true; }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Strand = asio::strand<asio::any_io_executor>;

  // `id` is the transport's session id ("" for stdio); `stream` the session-wide channel for messages
  // not tied to a request (SSE stream, stdout); may be set later (Streamable HTTP GET) or never.
  Session(asio::any_io_executor executor, std::string id = {});
  // A session on an existing strand: a legacy SSE session runs on its stream's connection strand, so
  // that each of thousands of idle sessions costs one strand, not two.
  Session(Strand strand, std::string id);
  ~Session();

  // A session for one self-contained request (stateless HTTP, session-less clients): initialised at
  // `version`, with no client capabilities.
  static std::shared_ptr<Session> make_stateless(asio::any_io_executor executor, std::string_view version);

  const std::string& id() const { return id_; }
  // Which transport serves the session ("stdio", "streamable_http", "sse"): a metrics label.
  const std::string& transport() const { return transport_; }
  void set_transport(std::string name) { transport_ = std::move(name); }
  Strand& strand() { return strand_; }

  // Who the session acts for (principal.hpp): set by the transport when the session is created (the
  // bearer token that opened it); full rights by default (stdio).
  const Principal& principal() const { return principal_; }
  void set_principal(Principal principal) { principal_ = std::move(principal); }

  void set_stream(std::shared_ptr<MessageSink> stream) { stream_ = std::move(stream); }
  const std::shared_ptr<MessageSink>& stream() const { return stream_; }

  // Lifecycle
  bool initialize_received() const { return initialize_received_; }
  bool initialized_notified() const { return initialized_notified_; }
  bool stateless() const { return stateless_; }
  const std::string& protocol_version() const { return protocol_version_; }
  const json& client_capabilities() const { return client_capabilities_; }
  const json& client_info() const { return client_info_; }
  void on_initialize(std::string version, json client_capabilities, json client_info);
  void on_initialized_notification() { initialized_notified_ = true; }
  bool client_can_elicit() const;

  // Logging: the minimum level the client wants (an MCP level name).
  const std::string& log_level() const { return log_level_; }
  void set_log_level(std::string level) { log_level_ = std::move(level); }

  // In-flight client requests, for notifications/cancelled.
  std::shared_ptr<asio::cancellation_signal> begin_request(const std::string& key);
  void end_request(const std::string& key);
  // Emits terminal cancellation for the request; true when it was in flight.
  bool cancel_request(const std::string& key);
  bool was_cancelled(const std::string& key) const;
  size_t in_flight() const { return in_flight_.size(); }
  bool in_flight_contains(const std::string& key) const { return in_flight_.count(key) != 0; }

  // Server->client requests (elicitation/create, ping). `send_request` assigns an id, sends the
  // request through `sink` and waits for the client's answer, the timeout or cancellation.
  // Returns the response object ({"result":...} or {"error":...}); nullopt on timeout/cancel/close.
  awaitable<std::optional<json>> send_request(std::shared_ptr<MessageSink> sink, std::string method,
                                              json params, std::chrono::milliseconds timeout);
  // Routes a client response to the waiting send_request; false when no one waits for that id.
  bool deliver_response(const json& response);

  // Cancels everything in flight and wakes all waiters; the session is unusable afterwards.
  void close();
  bool closed() const { return closed_; }

  std::chrono::steady_clock::time_point last_activity() const { return last_activity_; }
  void touch() { last_activity_ = std::chrono::steady_clock::now(); }

 private:
  struct PendingRequest;

  Strand strand_;
  std::string id_;
  std::string transport_ = "stdio";
  Principal principal_;
  std::shared_ptr<MessageSink> stream_;
  bool initialize_received_ = false;
  bool initialized_notified_ = false;
  bool stateless_ = false;
  bool closed_ = false;
  std::string protocol_version_;
  json client_capabilities_ = json::object();
  json client_info_ = json::object();
  std::string log_level_ = "info";
  std::map<std::string, std::shared_ptr<asio::cancellation_signal>> in_flight_;
  std::map<std::string, bool> cancelled_;
  std::map<std::string, std::shared_ptr<PendingRequest>> pending_;
  long long next_outgoing_id_ = 1;
  std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
};

}  // namespace cmon_mcp::mcp
