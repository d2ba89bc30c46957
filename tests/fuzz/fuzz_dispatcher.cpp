// Fuzzes the MCP dispatcher with raw frames, over a registry of every real tool whose CMON answers with
// fuzzer-chosen replies. Input: lines; a line starting with "CMON " queues the body of the next CMON
// reply (decoded as CmonClient decodes real ones, see cmon_fuzz_support.hpp), every other line is one
// inbound frame. The session is initialised first so that the fuzzer reaches tools/call and the rest.
#include "cmon_fuzz_support.hpp"
#include "cmon_mcp/mcp/dispatcher.hpp"
#include "cmon_mcp/mcp/jsonrpc.hpp"

using namespace cmon_mcp;
using nlohmann::json;

namespace {

class NullSink final : public mcp::MessageSink {
 public:
  void send(const json& m) override { (void)mcp::serialize(m); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tools::Registry registry = fuzz::real_tools();
  fuzz::ScriptedCmon cmon;
  mcp::Dispatcher dispatcher(fuzz::dispatcher_options(), registry, cmon);
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
      cmon.add_reply(std::string_view(line).substr(5));
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
