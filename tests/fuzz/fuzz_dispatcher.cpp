// Fuzzes the MCP dispatcher with raw frames. Input: lines; a line starting with "CMON " queues a
// fuzzer-chosen CMON reply body for the next CMON call, every other line is one inbound frame. The
// session is initialised first so that the fuzzer reaches tools/call and the rest.
#include <deque>

#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/mcp/jsonrpc.hpp"
#include "test_tools.hpp"

using namespace cmon_mcp;
using nlohmann::json;

namespace {

class FuzzCmon final : public cmon::Api {
 public:
  std::deque<std::string> replies;
  awaitable<cmon::Result<json>> call(std::string_view path, std::string_view operation, json,
                                     cmon::CallOptions) override {
    cmon::Error e;
    e.path = std::string(path);
    e.operation = std::string(operation);
    if (replies.empty()) {
      e.code = cmon::Errc::unreachable;
      co_return unexpected(std::move(e));
    }
    std::string body = std::move(replies.front());
    replies.pop_front();
    auto parsed = mcp::parse(body);
    if (!parsed || !parsed->is_object()) {
      e.code = cmon::Errc::bad_reply;
      co_return unexpected(std::move(e));
    }
    co_return std::move(*parsed);
  }
  std::string endpoint() const override { return "https://127.0.0.1:9501"; }
};

class NullSink final : public mcp::MessageSink {
 public:
  void send(const json& m) override { (void)mcp::serialize(m); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tools::Registry registry = [] {
    tools::Registry r;
    test::register_test_tools(r);
    r.set_policy({.deny = {"slow"}});  // real-time waits would only slow the fuzzer down
    return r;
  }();
  FuzzCmon cmon;
  mcp::DispatcherOptions options;
  options.identity.version = "fuzz";
  options.page_size = 2;
  options.client_request_timeout = std::chrono::milliseconds(1);
  mcp::Dispatcher dispatcher(options, registry, cmon);
  asio::io_context io;
  auto session = std::make_shared<mcp::Session>(io.get_executor());
  auto sink = std::make_shared<NullSink>();

  std::vector<std::string> frames = {
      R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"elicitation":{}},"clientInfo":{"name":"f","version":"1"}}})"};
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (line.rfind("CMON ", 0) == 0) {
      cmon.replies.push_back(line.substr(5));
    } else if (!line.empty()) {
      frames.push_back(line);
    }
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  for (auto& frame : frames) {
    asio::co_spawn(
        session->strand(),
        [&]() -> awaitable<void> {
          auto reply = co_await dispatcher.handle_frame(session, frame, sink);
          if (reply) (void)mcp::serialize(*reply);
        },
        asio::detached);
  }
  io.run_for(std::chrono::seconds(2));
  session->close();
  io.run_for(std::chrono::milliseconds(100));
  return 0;
}
