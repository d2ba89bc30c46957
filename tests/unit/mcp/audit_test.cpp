// Audit records of state-changing tool calls (mcp::audit_record): secrets redacted, the outcome and CMON
// job taken from the result, errors kept short. The daemon's audit file is tested end to end in
// tests/e2e/audit.test.mjs.
#include <gtest/gtest.h>

#include "cmon_mcp/mcp/dispatcher.hpp"

namespace cmon_mcp::mcp {
namespace {

using tools::ToolClass;
using tools::ToolDefinition;
using tools::ToolResult;

ToolDefinition user_tool() {
  ToolDefinition d;
  d.name = "create_db_user";
  d.tool_class = ToolClass::write;
  d.input_schema = json::parse(R"({"type":"object","properties":{
      "cluster_id":{"type":"integer"}, "user_name":{"type":"string"},
      "password":{"type":"string","writeOnly":true},
      "options":{"type":"object","properties":{"api_key":{"type":"string"}}}}})");
  return d;
}

std::shared_ptr<Session> session() {
  static asio::io_context io;
  auto s = std::make_shared<Session>(io.get_executor(), "sess-42");
  s->on_initialize("2025-06-18", json::object(), json{{"name", "claude-code"}, {"version", "2.1"}});
  return s;
}

TEST(AuditRecord, RedactsSecretsAndTakesOutcomeAndJobFromTheResult) {
  json args{{"cluster_id", 3},
            {"user_name", "report"},
            {"password", "Hunter2-very-secret"},
            {"options", {{"api_key", "k-123456"}}}};
  ToolResult r = ToolResult::structured_text(
      "Started job 17", json{{"status", "submitted"}, {"cluster_id", 3}, {"job_id", 17}, {"summary", "x"}});
  json a = audit_record(*session(), user_tool(), args, &r);
  EXPECT_EQ(a["session"], "sess-42");
  EXPECT_EQ(a["client"], "claude-code 2.1");
  EXPECT_EQ(a["tool"], "create_db_user");
  EXPECT_EQ(a["class"], "write");
  EXPECT_EQ(a["outcome"], "submitted");
  EXPECT_EQ(a["cluster_id"], 3);
  EXPECT_EQ(a["job_id"], 17);
  EXPECT_EQ(a["arguments"]["password"], "***");
  EXPECT_EQ(a["arguments"]["options"]["api_key"], "***");
  EXPECT_EQ(a["arguments"]["user_name"], "report");
  EXPECT_EQ(a.dump().find("Hunter2"), std::string::npos) << a.dump();
  EXPECT_FALSE(a.contains("error"));
  EXPECT_EQ(a["time"].get<std::string>().back(), 'Z');
}

TEST(AuditRecord, ErrorsCancellationsAndPlainResults) {
  ToolDefinition d = user_tool();
  d.tool_class = ToolClass::destructive;
  ToolResult failed = ToolResult::error(std::string(2000, 'e'));
  json a = audit_record(*session(), d, json{{"cluster_id", 9}}, &failed);
  EXPECT_EQ(a["class"], "destructive");
  EXPECT_EQ(a["outcome"], "error");
  EXPECT_LE(a["error"].get<std::string>().size(), 520u);

  json c = audit_record(*session(), d, json::object(), nullptr, "cancelled");
  EXPECT_EQ(c["outcome"], "cancelled");

  ToolResult plain = ToolResult::text("ok");
  EXPECT_EQ(audit_record(*session(), d, json::object(), &plain)["outcome"], "ok");

  ToolResult refused = ToolResult::error("Refused by the backup guard");
  refused.structured = json{{"status", "refused"}, {"reason", "backup_guard"}};
  json g = audit_record(*session(), d, json::object(), &refused);
  EXPECT_EQ(g["outcome"], "refused");
  EXPECT_EQ(g["reason"], "backup_guard");
}

}  // namespace
}  // namespace cmon_mcp::mcp
