// Fixture for the state-changing tools against the real simulator (tests/sim, a child process on
// 127.0.0.1) through the real CmonClient and the registry's safety pipeline. ctest runs every TEST as a
// process of its own (gtest_discover_tests), so each test starts from the simulator's fixture model.
//
// A test calls a tool as a client would (run / ok / fails), then checks the effect in the simulator's
// model (state(), job()), never only in the tool's answer.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "cmon_mcp/cmon/client.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"
#include "fake_cmon.hpp"
#include "sim_process.hpp"

namespace cmon_mcp::tools::test_support {

using nlohmann::json;

class SimActionTest : public ::testing::Test {
 protected:
  // One simulator per test process, jobs fast (a few hundred ms).
  static void SetUpTestSuite();
  static void TearDownTestSuite();

  SimActionTest();

  // The safety settings the registry runs with (confirmation on, backup guard 24 h, duplicates 10 min as
  // in production); a test may change them before calling a tool.
  void set_safety(SafetySettings s);

  // Runs a tool through the registry (so W/D tools run the safety pipeline) as a client that cannot
  // elicit, unless `host` says otherwise. Arguments are validated against the input schema first and a
  // success against the output schema.
  ToolResult run(const std::string& name, json args, cmon_mcp::test::RecordingHost* host = nullptr);
  // run() that must succeed (EXPECT), returning the result.
  ToolResult ok(const std::string& name, json args, cmon_mcp::test::RecordingHost* host = nullptr);
  // run() that must fail with isError and a text containing `needle` (EXPECT); returns the text.
  std::string fails(const std::string& name, json args, const std::string& needle);
  // The result's structuredContent (an empty object when absent).
  static json structured(const ToolResult& r);

  // A raw CMON call through the same client.
  cmon::Result<json> raw(const std::string& path, const std::string& op, json fields);

  // The simulator's whole model (GET /state): clusters with hosts, accounts, configs, settings, backups,
  // alarms, maintenance, jobs and schedules; plus top-level jobs, backups, maintenance, reports, users,
  // groups.
  json state();
  // The simulator's cluster `id` from state() (throws when absent).
  json sim_cluster(int64_t id);
  // One job from the simulator's model (with its messages), null when unknown.
  json job(int64_t job_id);
  // Polls the simulator until job `job_id` is FINISHED, FAILED or ABORTED (at most `timeout`); returns it.
  json wait_job_end(int64_t job_id, std::chrono::seconds timeout = std::chrono::seconds(30));
  // A host of cluster `id` in the simulator's model by hostname (and port, 0 = any); null when absent.
  json sim_host(int64_t cluster_id, const std::string& hostname, int64_t port = 0);

  // Takes a completed backup of cluster `id` through create_backup (wait) so that the backup guard passes.
  void fresh_backup(int64_t cluster_id);

  static cmon_mcp::test::SimProcess* sim_;
  asio::io_context io;
  Registry registry;
  std::unique_ptr<cmon::CmonClient> client;

 private:
  template <class T>
  T run_on_io(awaitable<T> a);
};

// The text of a result's first content block.
std::string text_of(const ToolResult& r);

}  // namespace cmon_mcp::tools::test_support
