// Fuzzes the Go-style argv normaliser and the command line: NUL-separated arguments.
#include "cmon_mcp/app/cli.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args;
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  if (!current.empty()) args.push_back(std::move(current));
  (void)cmon_mcp::config::normalize_argv(args);
  (void)cmon_mcp::app::parse_command_line(args);
  return 0;
}
