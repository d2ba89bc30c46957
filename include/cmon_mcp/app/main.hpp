// The program: configuration, wiring of the layers, and the operator sub-commands.
#pragma once

namespace cmon_mcp::app {
int run(int argc, char** argv);
}
