// Session state and the server->client request round trip.
#include "cmon_mcp/mcp/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>

#include "cmon_mcp/mcp/jsonrpc.hpp"

namespace cmon_mcp::mcp {

// A server->client request waiting for its answer: the timer doubles as the wake-up signal.
struct Session::PendingRequest {
  explicit PendingRequest(asio::any_io_executor ex) : timer(std::move(ex)) {}
  asio::steady_timer timer;
  std::optional<json> response;
};

Session::Session(asio::any_io_executor executor, std::string id)
    : strand_(asio::make_strand(std::move(executor))), id_(std::move(id)) {}

Session::Session(Strand strand, std::string id) : strand_(std::move(strand)), id_(std::move(id)) {}

Session::~Session() = default;

std::shared_ptr<Session> Session::make_stateless(asio::any_io_executor executor, std::string_view version) {
  auto s = std::make_shared<Session>(std::move(executor));
  s->stateless_ = true;
  s->initialize_received_ = true;
  s->initialized_notified_ = true;
  s->protocol_version_ = std::string(version);
  return s;
}

void Session::on_initialize(std::string version, json client_capabilities, json client_info) {
  initialize_received_ = true;
  protocol_version_ = std::move(version);
  client_capabilities_ = client_capabilities.is_object() ? std::move(client_capabilities) : json::object();
  client_info_ = client_info.is_object() ? std::move(client_info) : json::object();
}

bool Session::client_can_elicit() const {
  auto it = client_capabilities_.find("elicitation");
  if (it == client_capabilities_.end() || !it->is_object()) return false;
  // 2025-11-25 splits form and url modes; an empty object means form only. We only use form mode.
  if (it->contains("form") || it->empty()) return true;
  return !it->contains("url");
}

std::shared_ptr<asio::cancellation_signal> Session::begin_request(const std::string& key) {
  auto signal = std::make_shared<asio::cancellation_signal>();
  in_flight_[key] = signal;
  cancelled_.erase(key);
  return signal;
}

void Session::end_request(const std::string& key) {
  in_flight_.erase(key);
  cancelled_.erase(key);
}

bool Session::cancel_request(const std::string& key) {
  auto it = in_flight_.find(key);
  if (it == in_flight_.end()) return false;
  cancelled_[key] = true;
  // Keep the signal alive while it is being emitted: the handler may end the request synchronously.
  auto signal = it->second;
  signal->emit(asio::cancellation_type::terminal);
  return true;
}

bool Session::was_cancelled(const std::string& key) const {
  return cancelled_.count(key) != 0;
}

awaitable<std::optional<json>> Session::send_request(std::shared_ptr<MessageSink> sink, std::string method,
                                                     json params, std::chrono::milliseconds timeout) {
  if (closed_ || !sink) co_return std::nullopt;
  json id = "srv-" + std::to_string(next_outgoing_id_++);
  std::string key = id_key(id);
  auto pending = std::make_shared<PendingRequest>(strand_);
  pending_[key] = pending;
  sink->send(make_request(id, std::move(method), std::move(params)));

  pending->timer.expires_after(timeout);
  auto [ec] = co_await pending->timer.async_wait(asio::as_tuple(use_awaitable));
  pending_.erase(key);
  if (pending->response) co_return std::move(pending->response);

  // Timed out or the calling request was cancelled: tell the client we gave up (mcp-protocol-notes §4.6).
  if (!closed_ && sink->open())
    sink->send(
        make_notification("notifications/cancelled",
                          json{{"requestId", id}, {"reason", ec ? "request cancelled" : "timed out"}}));
  co_return std::nullopt;
}

bool Session::deliver_response(const json& response) {
  auto id = response.find("id");
  if (id == response.end()) return false;
  auto it = pending_.find(id_key(*id));
  if (it == pending_.end()) return false;
  json answer = json::object();
  if (response.contains("result")) answer["result"] = response["result"];
  if (response.contains("error")) answer["error"] = response["error"];
  it->second->response = std::move(answer);
  it->second->timer.cancel();
  return true;
}

void Session::close() {
  if (closed_) return;
  closed_ = true;
  auto in_flight = in_flight_;
  for (auto& [key, signal] : in_flight) {
    cancelled_[key] = true;
    signal->emit(asio::cancellation_type::terminal);
  }
  for (auto& [key, pending] : pending_) pending->timer.cancel();
}

}  // namespace cmon_mcp::mcp
