// The safety pipeline of state-changing tools (action.cpp) against an in-memory CMON: dry run, confirmation
// (elicitation accepted/declined/cancelled, the confirm fallback, turned off), the backup guard, duplicate
// submissions, one topology change per cluster, waiting with progress and timeouts, secrets, and the
// registry's rules for W/D tools. The real tools are tested against the simulator elsewhere.
#include <optional>
#include <set>

#include <gtest/gtest.h>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/registry.hpp"
#include "fake_cmon.hpp"

namespace cmon_mcp::tools {
namespace {

using test::FakeCmon;
using test::RecordingHost;
using test::run_tool;
using test::text_of;

std::string iso_ago(std::chrono::seconds ago) {
  return iso_utc(std::chrono::system_clock::now() - ago);
}

json cluster_info() {
  return json::parse(
      R"({"cluster_id": 7, "cluster_name": "prod", "cluster_type": "GALERA", "vendor": "percona",
    "state": "STARTED", "hosts": [
      {"hostname": "10.0.0.1", "port": 3306, "hoststatus": "CmonHostOnline", "nodetype": "galera"},
      {"hostname": "10.0.0.2", "port": 3306, "hoststatus": "CmonHostOnline", "nodetype": "galera"}]})");
}

// A destructive, job-backed, backup-guarded test tool ("zap") and a write tool with a secret ("poke").
Registry test_registry(SafetySettings safety = {}) {
  Registry r;
  ToolDefinition zap;
  zap.name = "zap_node";
  zap.title = "Zap";
  zap.group = "nodes";
  zap.tool_class = ToolClass::destructive;
  zap.input_schema = Schema().cluster().node(true).build();
  zap.action = make_action(
      [](ToolContext& ctx, const json& args) -> awaitable<Expected<ActionPlan, ToolResult>> {
        json extra{{"with_hosts", true}};
        auto c = co_await resolve_cluster(ctx, args, std::move(extra));
        if (!c) co_return unexpected(std::move(c.error()));
        auto h = find_node(*c, args.value("node", std::string()));
        if (!h) co_return unexpected(ToolResult::error(h.error()));
        json data{{"clusterid", c->id}, {"node", node_ref(*h)}};
        ActionPlan plan = job_plan(*c, "Zap node " + host_label(*h), "stop", std::move(data));
        plan.effect = "This zaps node " + host_label(*h) + ".";
        co_return plan;
      },
      ActionKind::job, BackupGuard::on);
  r.add(std::move(zap));

  ToolDefinition poke;
  poke.name = "poke_user";
  poke.title = "Poke";
  poke.group = "accounts";
  poke.tool_class = ToolClass::write;
  json password = s_string("secret", {}, 64);
  password["writeOnly"] = true;
  poke.input_schema =
      Schema().cluster().prop("user", s_string("user"), true).prop("password", password).build();
  poke.action =
      make_action([](ToolContext& ctx, const json& args) -> awaitable<Expected<ActionPlan, ToolResult>> {
        auto c = co_await resolve_cluster(ctx, args);
        if (!c) co_return unexpected(std::move(c.error()));
        ActionPlan plan;
        plan.cluster = *c;
        plan.summary = "Poke user " + args["user"].get<std::string>();
        std::string pw = args.value("password", std::string());
        if (pw.empty()) {
          pw = generate_password();
          plan.generated["password"] = pw;
        }
        json account{{"user_name", args["user"]}, {"password", pw}};
        plan.requests.push_back(CmonRequest{"/v2/clusters",
                                            "createAccount",
                                            json{{"cluster_id", c->id}, {"account", account}},
                                            {"/account/password"}});
        co_return plan;
      });
  r.add(std::move(poke));
  Policy p;
  p.safety = safety;
  r.set_policy(p);
  return r;
}

class ActionTest : public ::testing::Test {
 protected:
  ActionTest() {
    cmon.on("/v2/clusters", "getClusterInfo", [](const json& f) -> cmon::Result<json> {
      if (f.value("cluster_id", 0) != 7) {
        cmon::Error e;
        e.code = cmon::Errc::not_found;
        e.message = "Cluster was not found.";
        return unexpected(e);
      }
      return json{{"cluster", cluster_info()}};
    });
    cmon.on("/v2/clusters", "getAllClusterInfo", json{{"clusters", json::array({cluster_info()})}});
    backups(json::array({json{{"id", 1},
                              {"cid", 7},
                              {"status", "Completed"},
                              {"method", "xtrabackupfull"},
                              {"created", iso_ago(std::chrono::hours(2))},
                              {"finished", iso_ago(std::chrono::hours(2))}}}));
    jobs(json::array());
    cmon.on("/v2/jobs", "createJobInstance", [this](const json& f) -> cmon::Result<json> {
      json job = f["job"];
      job["job_id"] = next_job++;
      job["status"] = "DEFINED";
      job["cluster_id"] = f["cluster_id"];
      job["created"] = iso_ago(std::chrono::seconds(0));
      created.push_back(job);
      return json{{"job", job}};
    });
    cmon.on("/v2/clusters", "createAccount", json{{"messages", json::array({"Account created."})}});
  }

  void backups(json records) {
    cmon.on("/v2/backup", "getBackups", json{{"backup_records", records}, {"total", records.size()}});
  }
  void jobs(json list) {
    cmon.on("/v2/jobs", "getJobInstances", json{{"jobs", list}, {"total", list.size()}});
  }

  ToolResult run(Registry& r, const std::string& tool, json args, RecordingHost* host = nullptr) {
    return run_tool(r, cmon, tool, std::move(args), host);
  }

  json zap_args() { return json{{"cluster_id", 7}, {"node", "10.0.0.2"}}; }

  FakeCmon cmon;
  std::vector<json> created;
  int64_t next_job = 100;
};

TEST_F(ActionTest, RegistryAddsCommonArgumentsAndRefusesHandlersOnStateChangingTools) {
  Registry r = test_registry();
  const auto* zap = r.find("zap_node");
  ASSERT_NE(zap, nullptr);
  const json& props = zap->input_schema["properties"];
  for (const char* k :
       {"dry_run", "confirm", "wait", "timeout_s", "abort_on_cancel", "force_new", "override_backup_guard"})
    EXPECT_TRUE(props.contains(k)) << k;
  const json& poke = r.find("poke_user")->input_schema["properties"];
  EXPECT_TRUE(poke.contains("dry_run"));
  for (const char* k : {"confirm", "wait", "force_new", "override_backup_guard"})
    EXPECT_FALSE(poke.contains(k)) << k;

  ToolDefinition bad;
  bad.name = "sneaky";
  bad.tool_class = ToolClass::write;
  bad.handler = [](ToolContext&, const json&) -> awaitable<ToolResult> { co_return ToolResult::text(""); };
  EXPECT_THROW(r.add(bad), std::logic_error);

  Policy ro;
  ro.read_only = true;
  r.set_policy(ro);
  EXPECT_EQ(r.find("zap_node"), nullptr);
  EXPECT_EQ(r.find("poke_user"), nullptr);
}

TEST_F(ActionTest, DryRunSendsNothingAndRedactsSecrets) {
  Registry r = test_registry();
  json args{{"cluster_id", 7}, {"user", "app"}, {"password", "Sup3rSecret!"}, {"dry_run", true}};
  ToolResult res = run(r, "poke_user", args);
  ASSERT_FALSE(res.is_error) << text_of(res);
  EXPECT_EQ(cmon.count("createAccount"), 0u);
  EXPECT_EQ((*res.structured)["status"], "dry_run");
  EXPECT_EQ((*res.structured)["requests"][0]["body"]["account"]["password"], "***");
  EXPECT_EQ((*res.structured)["requests"][0]["operation"], "createAccount");
  EXPECT_EQ(res.content.dump().find("Sup3rSecret"), std::string::npos);
  EXPECT_EQ(res.structured->dump().find("Sup3rSecret"), std::string::npos);

  ToolResult zap = run(r, "zap_node", json{{"cluster_id", 7}, {"node", "10.0.0.2"}, {"dry_run", true}});
  ASSERT_FALSE(zap.is_error) << text_of(zap);
  EXPECT_TRUE(created.empty());
  EXPECT_EQ((*zap.structured)["requests"][0]["body"]["job"]["job_spec"]["command"], "stop");
  EXPECT_EQ((*zap.structured)["checks"]["backup_guard"]["pass"], true);
  EXPECT_NE(text_of(zap).find("This zaps node 10.0.0.2:3306."), std::string::npos);
}

TEST_F(ActionTest, GeneratedPasswordIsReturnedOnceAndGivenOneNeverEchoed) {
  Registry r = test_registry();
  ToolResult res = run(r, "poke_user", json{{"cluster_id", 7}, {"user", "app"}});
  ASSERT_FALSE(res.is_error) << text_of(res);
  ASSERT_EQ(cmon.count("createAccount"), 1u);
  std::string sent = cmon.calls.back().fields["account"]["password"];
  EXPECT_EQ(sent.size(), 24u);
  EXPECT_EQ((*res.structured)["generated"]["password"], sent);
  std::string text = text_of(res);
  size_t first = text.find(sent);
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(text.find(sent, first + 1), std::string::npos);

  ToolResult given =
      run(r, "poke_user", json{{"cluster_id", 7}, {"user", "b"}, {"password", "Given-Pass-1"}});
  EXPECT_EQ(given.content.dump().find("Given-Pass-1"), std::string::npos);
  EXPECT_EQ(given.structured->dump().find("Given-Pass-1"), std::string::npos);
}

TEST_F(ActionTest, PasswordsAreStrongAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string p = generate_password();
    EXPECT_EQ(p.size(), 24u);
    for (char c : p)
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') << p;
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST_F(ActionTest, DestructiveWithoutElicitationNeedsConfirm) {
  Registry r = test_registry();
  ToolResult res = run(r, "zap_node", zap_args());
  ASSERT_FALSE(res.is_error) << text_of(res);
  EXPECT_EQ((*res.structured)["status"], "confirmation_required");
  EXPECT_EQ((*res.structured)["effect"], "This zaps node 10.0.0.2:3306.");
  EXPECT_NE(text_of(res).find("\"confirm\": true"), std::string::npos);
  EXPECT_TRUE(created.empty());

  json confirmed = zap_args();
  confirmed["confirm"] = true;
  ToolResult ok = run(r, "zap_node", confirmed);
  ASSERT_FALSE(ok.is_error) << text_of(ok);
  EXPECT_EQ((*ok.structured)["status"], "submitted");
  EXPECT_EQ((*ok.structured)["job_id"], 100);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0]["job_spec"]["job_data"]["node"]["hostname"], "10.0.0.2");
  EXPECT_NE(text_of(ok).find("wait_for_job"), std::string::npos);
}

TEST_F(ActionTest, ElicitationDecidesWhateverConfirmSays) {
  Registry r = test_registry();
  struct Case {
    ElicitationAnswer answer;
    std::string status;
    bool runs;
  };
  std::vector<Case> cases = {{{"accept", json{{"confirm", true}}}, "submitted", true},
                             {{"accept", json{{"confirm", false}}}, "declined", false},
                             {{"decline", json::object()}, "declined", false},
                             {{"cancel", json::object()}, "cancelled", false}};
  for (const auto& c : cases) {
    created.clear();
    RecordingHost host;
    host.elicit_answer = c.answer;
    json args = zap_args();
    args["confirm"] = true;  // the model cannot bypass a user who can be asked
    args["force_new"] = true;
    ToolResult res = run(r, "zap_node", args, &host);
    ASSERT_FALSE(res.is_error) << text_of(res);
    EXPECT_EQ((*res.structured)["status"], c.status) << c.answer.action;
    EXPECT_EQ(created.size(), c.runs ? 1u : 0u) << c.answer.action;
    ASSERT_EQ(host.elicited.size(), 1u);
    EXPECT_NE(host.elicited[0].find("This zaps node 10.0.0.2:3306."), std::string::npos);
  }
}

TEST_F(ActionTest, ConfirmationCanBeTurnedOffForAutomation) {
  SafetySettings s;
  s.confirm_destructive = false;
  Registry r = test_registry(s);
  ToolResult res = run(r, "zap_node", zap_args());
  ASSERT_FALSE(res.is_error) << text_of(res);
  EXPECT_EQ((*res.structured)["status"], "submitted");
  EXPECT_EQ(created.size(), 1u);
}

TEST_F(ActionTest, BackupGuardRefusesWithoutRecentBackupUnlessOverridden) {
  Registry r = test_registry();
  json args = zap_args();
  args["confirm"] = true;

  backups(json::array());
  ToolResult none = run(r, "zap_node", args);
  EXPECT_TRUE(none.is_error);
  EXPECT_EQ((*none.structured)["reason"], "backup_guard");
  EXPECT_NE(text_of(none).find("has no successful backup"), std::string::npos) << text_of(none);
  EXPECT_TRUE(created.empty());

  backups(json::array({json{{"id", 3},
                            {"cid", 7},
                            {"status", "Completed"},
                            {"method", "mysqldump"},
                            {"finished", iso_ago(std::chrono::hours(50))}},
                       json{{"id", 4},
                            {"cid", 7},
                            {"status", "Failed"},
                            {"method", "mysqldump"},
                            {"finished", iso_ago(std::chrono::hours(1))}}}));
  ToolResult old = run(r, "zap_node", args);
  EXPECT_TRUE(old.is_error);
  EXPECT_NE(text_of(old).find("2d 2h"), std::string::npos) << text_of(old);
  EXPECT_NE(text_of(old).find("backup 3"), std::string::npos) << text_of(old);
  EXPECT_NE(text_of(old).find("override_backup_guard"), std::string::npos);
  EXPECT_TRUE(created.empty());

  args["override_backup_guard"] = true;
  ToolResult forced = run(r, "zap_node", args);
  ASSERT_FALSE(forced.is_error) << text_of(forced);
  EXPECT_EQ(created.size(), 1u);

  SafetySettings off;
  off.backup_guard_hours = 0;
  Registry r2 = test_registry(off);
  args.erase("override_backup_guard");
  args["force_new"] = true;
  ToolResult unguarded = run(r2, "zap_node", args);
  ASSERT_FALSE(unguarded.is_error) << text_of(unguarded);
  EXPECT_EQ(created.size(), 2u);
}

TEST_F(ActionTest, IdenticalRecentJobIsReturnedInsteadOfStartingAnother) {
  Registry r = test_registry();
  json args = zap_args();
  args["confirm"] = true;
  ToolResult first = run(r, "zap_node", args);
  ASSERT_EQ(created.size(), 1u);
  json existing = created[0];
  existing["status"] = "RUNNING";
  existing["progress_percent"] = 40;
  jobs(json::array({existing}));

  ToolResult retry = run(r, "zap_node", args);
  ASSERT_FALSE(retry.is_error) << text_of(retry);
  EXPECT_EQ((*retry.structured)["status"], "duplicate");
  EXPECT_EQ((*retry.structured)["job_id"], (*first.structured)["job_id"]);
  EXPECT_EQ(created.size(), 1u);
  EXPECT_NE(text_of(retry).find("force_new"), std::string::npos);

  // Another node is not a duplicate (but the running stop blocks it: one topology change at a time).
  json other = args;
  other["node"] = "10.0.0.1";
  ToolResult blocked = run(r, "zap_node", other);
  EXPECT_TRUE(blocked.is_error);
  EXPECT_EQ((*blocked.structured)["reason"], "topology_change_running");
  EXPECT_NE(text_of(blocked).find("job 100 (Zap node 10.0.0.2:3306, stop) is running"), std::string::npos)
      << text_of(blocked);
  EXPECT_NE(text_of(blocked).find("40 % done"), std::string::npos) << text_of(blocked);

  // A failed job, or one older than the window, does not count as a duplicate.
  existing["status"] = "FAILED";
  jobs(json::array({existing}));
  ToolResult after_failure = run(r, "zap_node", args);
  EXPECT_EQ((*after_failure.structured)["status"], "submitted");
  existing["status"] = "FINISHED";
  existing["created"] = iso_ago(std::chrono::minutes(30));
  jobs(json::array({existing}));
  ToolResult later = run(r, "zap_node", args);
  EXPECT_EQ((*later.structured)["status"], "submitted");

  // A finished identical job followed by another job on the cluster is history, not a retry: "stop node,
  // start node, stop node" stops it again.
  existing["created"] = iso_ago(std::chrono::seconds(60));
  json start = existing;
  start["job_id"] = 55;
  start["job_spec"]["command"] = "start";
  start["created"] = iso_ago(std::chrono::seconds(30));
  jobs(json::array({start, existing}));
  ToolResult again = run(r, "zap_node", args);
  EXPECT_EQ((*again.structured)["status"], "submitted");
  jobs(json::array({existing}));
  ToolResult retried = run(r, "zap_node", args);
  EXPECT_EQ((*retried.structured)["status"], "duplicate");

  // force_new overrides a recent duplicate.
  existing["created"] = iso_ago(std::chrono::seconds(5));
  jobs(json::array({existing}));
  args["force_new"] = true;
  ToolResult forced = run(r, "zap_node", args);
  EXPECT_EQ((*forced.structured)["status"], "submitted");
  EXPECT_EQ(created.size(), 5u);
}

TEST_F(ActionTest, WaitFollowsTheJobWithProgressAndReportsTheEnd) {
  Registry r = test_registry();
  int polls = 0;
  cmon.on("/v2/jobs", "getJobInstance", [&](const json& f) -> cmon::Result<json> {
    ++polls;
    json job{{"job_id", f["job_id"]},
             {"title", "Zap"},
             {"created", iso_ago(std::chrono::seconds(3))},
             {"started", iso_ago(std::chrono::seconds(2))}};
    job["status"] = polls < 3 ? "RUNNING" : "FINISHED";
    job["progress_percent"] = polls * 30;
    if (polls >= 3) job["ended"] = iso_ago(std::chrono::seconds(0));
    return json{{"job", job}};
  });
  cmon.on(
      "/v2/jobs", "getJobLog",
      json{{"messages", json::array({json{{"message_status", "JOB_WARNING"}, {"message_text", "slow disk"}},
                                     json{{"message_status", "JOB_SUCCESS"}, {"message_text", "zapped"}}})}});
  json args = zap_args();
  args["confirm"] = true;
  args["wait"] = true;
  RecordingHost host;
  ToolResult res = run(r, "zap_node", args, &host);
  ASSERT_FALSE(res.is_error) << text_of(res);
  EXPECT_EQ((*res.structured)["status"], "done");
  EXPECT_EQ((*res.structured)["outcome"], "ended");
  EXPECT_EQ((*res.structured)["job_status"], "FINISHED");
  EXPECT_EQ((*res.structured)["log_tail"][0]["text"], "slow disk");
  ASSERT_GE(host.progresses.size(), 2u);
  for (size_t i = 1; i < host.progresses.size(); ++i)
    EXPECT_GT(host.progresses[i].progress, host.progresses[i - 1].progress);
  EXPECT_EQ(host.progresses.back().progress, 100);
}

TEST_F(ActionTest, WaitPastTheTimeoutIsNotAnError) {
  Registry r = test_registry();
  cmon.on("/v2/jobs", "getJobInstance",
          json{{"job", json{{"job_id", 100}, {"status", "RUNNING"}, {"progress_percent", 10}}}});
  cmon.on("/v2/jobs", "getJobLog", json{{"messages", json::array()}});
  json args = zap_args();
  args["confirm"] = true;
  args["wait"] = true;
  args["timeout_s"] = 1;
  ToolResult res = run(r, "zap_node", args);
  ASSERT_FALSE(res.is_error) << text_of(res);
  EXPECT_EQ((*res.structured)["status"], "submitted");
  EXPECT_EQ((*res.structured)["outcome"], "still_running");
  EXPECT_NE(text_of(res).find("not an error"), std::string::npos);
}

TEST_F(ActionTest, PlannerErrorsComeBackUnchanged) {
  Registry r = test_registry();
  ToolResult unknown = run(r, "zap_node", json{{"cluster_id", 8}, {"node", "10.0.0.2"}, {"confirm", true}});
  EXPECT_TRUE(unknown.is_error);
  ToolResult bad_node = run(r, "zap_node", json{{"cluster_id", 7}, {"node", "10.9.9.9"}, {"confirm", true}});
  EXPECT_TRUE(bad_node.is_error);
  EXPECT_NE(text_of(bad_node).find("10.0.0.1"), std::string::npos) << text_of(bad_node);
  EXPECT_TRUE(created.empty());
}

TEST(ActionTopology, CommandsThatChangeTopologyOrAvailability) {
  for (const char* c : {"restart", "stop", "rolling_restart", "removenode", "promote_replication_slave",
                        "restore_backup", "stop_cluster"})
    EXPECT_TRUE(is_topology_command(c)) << c;
  for (const char* c : {"backup", "enable_db_readonly", "error_report", "delete_database"})
    EXPECT_FALSE(is_topology_command(c)) << c;
}

}  // namespace
}  // namespace cmon_mcp::tools
