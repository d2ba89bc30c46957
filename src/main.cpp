// cmon-mcp: the MCP server for ClusterControl. Everything lives in the layers; main only hands over.
#include "cmon_mcp/app/main.hpp"

int main(int argc, char** argv) {
  return cmon_mcp::app::run(argc, argv);
}
