// generate_report and create_error_report (catalogue B.13) against the simulator: the effect is checked in
// the simulator's model (the stored report, the error_report job).
#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

class ControllerActions : public SimActionTest {
 protected:
  json report(int64_t id) {
    const json st = state();
    for (const auto& r : st["reports"])
      if (r.value("report_id", int64_t{-1}) == id) return r;
    return nullptr;
  }
  size_t job_count() { return state()["jobs"].size(); }
};

// ----------------------------------------------------------------------------------------- generate_report

TEST_F(ControllerActions, GenerateReportStoresTheReport) {
  const size_t before = state()["reports"].size();
  auto r = ok("generate_report", json({{"cluster_name", "prod-galera"}, {"report_type", "Availability"}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "done");
  const int64_t id = s.value("report_id", int64_t{0});
  ASSERT_GT(id, 0) << text_of(r);
  json rep = report(id);
  ASSERT_TRUE(rep.is_object()) << "report " << id << " not in the simulator";
  EXPECT_EQ(rep["cluster_id"], 1);
  EXPECT_EQ(rep["report_type"], "availability");  // the template's spelling is sent
  EXPECT_EQ(state()["reports"].size(), before + 1);
  EXPECT_NE(text_of(r).find("get_report {\"report_id\": " + std::to_string(id)), std::string::npos)
      << text_of(r);
  // ... and it can be read as the answer says.
  auto g = ok("get_report", json({{"report_id", id}, {"cluster_id", 1}}));
  EXPECT_NE(text_of(g).find("prod-galera"), std::string::npos) << text_of(g);
}

TEST_F(ControllerActions, GenerateReportDefaultsToTheDefaultTemplateAndMailsRecipients) {
  auto r = ok("generate_report",
              json({{"cluster_id", 3}, {"recipients", json::array({"dba@example.com", "ops@example.com"})}}));
  json rep = report(structured(r).value("report_id", int64_t{0}));
  ASSERT_TRUE(rep.is_object());
  EXPECT_EQ(rep["report_type"], "default");
  EXPECT_EQ(rep["cluster_id"], 3);
  EXPECT_EQ(rep["recipients"], "dba@example.com,ops@example.com");
}

TEST_F(ControllerActions, GenerateReportRefusesUnknownTemplate) {
  const json before = state()["reports"];
  auto text = fails("generate_report", json({{"cluster_id", 1}, {"report_type", "capacity"}}),
                    "unknown report type 'capacity'");
  EXPECT_NE(text.find("availability"), std::string::npos) << text;
  EXPECT_NE(text.find("backup"), std::string::npos) << text;
  EXPECT_EQ(state()["reports"], before);
  fails("generate_report", json({{"cluster_id", 42}}), "not found");
  fails("generate_report", json::object(), "give cluster_id or cluster_name");
}

TEST_F(ControllerActions, GenerateReportDryRun) {
  const json before = state()["reports"];
  auto r = ok("generate_report", json({{"cluster_id", 2}, {"report_type", "backup"}, {"dry_run", true}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "dry_run");
  ASSERT_EQ(s["requests"].size(), 1u);
  EXPECT_EQ(s["requests"][0]["path"], "/v2/reports");
  EXPECT_EQ(s["requests"][0]["operation"], "generateReport");
  EXPECT_EQ(s["requests"][0]["body"]["cluster_id"], 2);
  EXPECT_EQ(s["requests"][0]["body"]["report"],
            (json{{"class_name", "CmonReport"}, {"report_type", "backup"}, {"text_format", "AnsiTerminal"}}));
  EXPECT_EQ(state()["reports"], before);
}

// -----------------------------------------------------------------------------------------
// create_error_report

TEST_F(ControllerActions, CreateErrorReportRunsTheJob) {
  auto r = ok("create_error_report", json({{"cluster_id", 1}, {"wait", true}, {"timeout_s", 30}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "done") << text_of(r);
  EXPECT_EQ(s.value("command", ""), "error_report");
  const int64_t id = s.value("job_id", int64_t{0});
  json j = wait_job_end(id);
  EXPECT_EQ(j.value("status", ""), "FINISHED");
  EXPECT_EQ(j["cluster_id"], 1);
  EXPECT_EQ(j["job_spec"]["command"], "error_report");
  EXPECT_EQ(j["job_spec"]["job_data"]["mask_passwords"], true);
  EXPECT_EQ(j["job_spec"]["job_data"]["clusterid"], 1);
  EXPECT_NE(j["messages"].dump().find("error-report"), std::string::npos) << j["messages"].dump();
  // The answer carries the log tail naming the archive.
  EXPECT_NE(text_of(r).find("error-report"), std::string::npos) << text_of(r);
}

TEST_F(ControllerActions, CreateErrorReportOptions) {
  auto r = ok("create_error_report", json({{"cluster_name", "pg-streaming"},
                                           {"report_dir", "/var/tmp/reports"},
                                           {"mask_passwords", false},
                                           {"extended", true}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "submitted");
  EXPECT_NE(s.value("summary", "").find("NOT masked"), std::string::npos);
  json j = job(s.value("job_id", int64_t{0}));
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["cluster_id"], 3);
  EXPECT_EQ(j["job_spec"]["job_data"], (json{{"clusterid", 3},
                                             {"mask_passwords", false},
                                             {"extended", true},
                                             {"report_dir", "/var/tmp/reports"}}));
}

TEST_F(ControllerActions, CreateErrorReportDryRunAndErrors) {
  const size_t before = job_count();
  auto r = ok("create_error_report", json({{"cluster_id", 2}, {"dry_run", true}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "dry_run");
  ASSERT_EQ(s["requests"].size(), 1u);
  EXPECT_EQ(s["requests"][0]["operation"], "createJobInstance");
  EXPECT_EQ(s["requests"][0]["body"]["job"]["job_spec"]["command"], "error_report");
  EXPECT_EQ(s["requests"][0]["body"]["cluster_id"], 2);
  EXPECT_EQ(job_count(), before);

  fails("create_error_report", json({{"cluster_id", 2}, {"report_dir", "reports"}}), "absolute");
  fails("create_error_report", json({{"cluster_id", 2}, {"report_dir", "/var/../etc"}}), "'..'");
  fails("create_error_report", json({{"cluster_name", "prod-galerra"}}), "close matches");
  EXPECT_EQ(job_count(), before);
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
