// Fuzzes the decoding of CMON's replies by every tool (but wait_for_job, which polls in real time; the
// replies it reads are get_job's and get_job_log's). Input: the first line names the tool (any other
// text picks one by its first byte) and may carry option letters after a space ("j": format json,
// "d": detail full); every further line is the body of one CMON reply, given to the tool's calls in
// order through cmon::decode_reply exactly as CmonClient does (a line "!NNN body" replies with HTTP
// status NNN). The tool is called with arguments valid for its input schema; once the lines run out,
// CMON is unreachable. Any crash, sanitizer report or exception escaping a tool is a finding.
#include <cstdio>
#include <set>

#include "cmon_fuzz_support.hpp"
#include "cmon_mcp/util/json_schema.hpp"

using namespace cmon_mcp;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static tools::Registry registry = fuzz::real_tools();  // wait_for_job polls in real time: left out
  static const std::vector<const tools::ToolDefinition*> all = registry.list();
  if (size == 0) return 0;

  auto lines = fuzz::split_lines(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string_view head = lines.front();
  std::string_view name = head.substr(0, head.find(' '));
  std::string_view options = name.size() < head.size() ? head.substr(name.size() + 1) : std::string_view();
  const tools::ToolDefinition* def = registry.find(name);
  if (!def) def = all[static_cast<unsigned char>(data[0]) % all.size()];

  fuzz::ScriptedCmon cmon;
  for (size_t i = 1; i < lines.size(); ++i) cmon.add_reply(lines[i]);
  fuzz::QuietHost host;
  json args = fuzz::arguments_for(*def, options);
  if (auto v = util::validate_schema(def->input_schema, args); !v.empty()) {
    // The harness cannot build valid arguments for this tool's schema: say so (once) and skip it, so
    // that a new tool with an unusual schema shows up in the fuzz log rather than stopping the run.
    static std::set<std::string> reported;
    if (reported.insert(def->name).second)
      fprintf(stderr, "fuzz_cmon_replies: skipping %s, no valid arguments: %s\n", def->name.c_str(),
              util::describe_violations(v).c_str());
    return 0;
  }

  asio::io_context io;
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        tools::ToolContext ctx{cmon, host};
        tools::ToolResult r = co_await def->handler(ctx, args);
        (void)r.content.dump(-1, ' ', false, json::error_handler_t::replace);
        if (r.structured) (void)r.structured->dump(-1, ' ', false, json::error_handler_t::replace);
      },
      [](std::exception_ptr ep) {
        if (ep) std::rethrow_exception(ep);  // a tool must turn every bad reply into a result
      });
  io.run_for(std::chrono::seconds(5));
  return 0;
}
