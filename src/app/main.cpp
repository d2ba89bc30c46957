// Temporary entry until the configuration and transports land: prints the version.
#include <cstdio>

#include "cmon_mcp/app/main.hpp"
#include "cmon_mcp/version.hpp"

namespace cmon_mcp::app {
int run(int, char**) {
  std::printf("%s %s\n", kProductName, kVersion);
  return 0;
}
}  // namespace cmon_mcp::app
