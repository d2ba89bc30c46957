// abort_job, rerun_job and delete_job (catalogue B.4) against the simulator: the effect is checked in the
// simulator's model (the job ABORTED, the clone created and run, the record gone).
#include <thread>

#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

class JobActions : public SimActionTest {
 protected:
  // The simulator's cluster `id` (SimActionTest::sim_cluster loops over a temporary's member, which
  // dangles: the state is kept in a local here).
  json sim_cluster(int64_t id) {
    const json st = state();
    for (const auto& c : st["clusters"])
      if (c.value("cluster_id", int64_t{-1}) == id) return c;
    ADD_FAILURE() << "no cluster " << id << " in the simulator";
    return json::object();
  }
  void TearDown() override { sim_->config({{"job_speed", 20}}); }

  // Jobs created from now on take `seconds` (DEFINED for the first tenth, then RUNNING).
  void job_seconds(double seconds) { sim_->config({{"job_speed", 3.0 / seconds}}); }

  // A job created directly through CMON (as another client would).
  int64_t start_job(int64_t cid, const std::string& command, json data = json::object()) {
    json spec{{"command", command}, {"job_data", std::move(data)}};
    json job{{"class_name", "CmonJobInstance"}, {"title", "test " + command}, {"job_spec", spec}};
    auto r = raw("/v2/jobs", "createJobInstance", json{{"cluster_id", cid}, {"job", job}});
    EXPECT_TRUE(r.has_value());
    if (!r) return 0;
    return (*r)["job"].value("job_id", int64_t{0});
  }
  // A job that has ended FINISHED.
  int64_t finished_job(int64_t cid) {
    int64_t id = start_job(cid, "calculate_db_growth");
    EXPECT_EQ(wait_job_end(id).value("status", ""), "FINISHED");
    return id;
  }
  void wait_running(int64_t id) {
    for (int i = 0; i < 100; ++i) {
      if (job(id).value("status", "").rfind("RUNNING", 0) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "job " << id << " did not start: " << job(id).dump();
  }
  // A job of the fixture by title.
  int64_t fixture_job(const std::string& title) {
    const json st = state();
    for (const auto& j : st["jobs"])
      if (j.value("title", "") == title) return j.value("job_id", int64_t{0});
    ADD_FAILURE() << "no fixture job '" << title << "'";
    return 0;
  }
  size_t job_count() { return state()["jobs"].size(); }
};

// ----------------------------------------------------------------------------------------- abort_job

TEST_F(JobActions, AbortJobAbortsARunningJob) {
  job_seconds(10);
  int64_t id = start_job(1, "calculate_db_growth");
  wait_running(id);
  auto r = ok("abort_job", json({{"job_id", id}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "done");
  EXPECT_EQ(s.value("previous_status", ""), "RUNNING");
  EXPECT_EQ(s.value("cluster_id", int64_t{0}), 1);
  json j = job(id);
  EXPECT_EQ(j.value("status", ""), "ABORTED");
  EXPECT_NE(text_of(r).find("wait_for_job {\"job_id\": " + std::to_string(id) + "}"), std::string::npos);
}

TEST_F(JobActions, AbortJobAbortsAQueuedJob) {
  job_seconds(60);
  int64_t id = start_job(4, "calculate_db_growth");
  ok("abort_job", json({{"job_id", id}}));
  EXPECT_EQ(job(id).value("status", ""), "ABORTED");
}

TEST_F(JobActions, AbortJobRefusesEndedJobsAndSchedules) {
  int64_t done = fixture_job("Restart node 10.0.3.12");
  fails("abort_job", json({{"job_id", done}}), "has already ended: FINISHED");
  EXPECT_EQ(job(done).value("status", ""), "FINISHED");
  int64_t aborted = fixture_job("Stop node 10.0.5.13");
  fails("abort_job", json({{"job_id", aborted}}), "has already ended: ABORTED");
  int64_t schedule = fixture_job("Daily base backup");
  fails("abort_job", json({{"job_id", schedule}}), "recurring schedule");
  EXPECT_EQ(job(schedule).value("status", ""), "SCHEDULED");
  fails("abort_job", json({{"job_id", 987654}}), "job 987654 not found");
}

TEST_F(JobActions, AbortJobDryRunChangesNothing) {
  job_seconds(60);
  int64_t id = start_job(1, "calculate_db_growth");
  auto r = ok("abort_job", json({{"job_id", id}, {"dry_run", true}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "dry_run");
  ASSERT_EQ(s["requests"].size(), 1u);
  EXPECT_EQ(s["requests"][0]["operation"], "killJobInstance");
  EXPECT_EQ(s["requests"][0]["body"], (json{{"job_id", id}, {"signal", 15}}));
  EXPECT_NE(job(id).value("status", ""), "ABORTED");
}

// ----------------------------------------------------------------------------------------- rerun_job

TEST_F(JobActions, RerunJobClonesAFailedJob) {
  int64_t failed = fixture_job("Create mysqldump Backup");
  json original = job(failed);
  ASSERT_EQ(original.value("status", ""), "FAILED");
  const size_t before = job_count();
  auto r = ok("rerun_job", json({{"job_id", failed}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "submitted");
  EXPECT_EQ(s.value("source_job_id", int64_t{0}), failed);
  const int64_t id = s.value("job_id", int64_t{0});
  ASSERT_GT(id, failed);
  EXPECT_EQ(job_count(), before + 1);
  json clone = wait_job_end(id);
  EXPECT_EQ(clone.value("status", ""), "FINISHED");
  EXPECT_EQ(clone["cluster_id"], 2);
  EXPECT_EQ(clone["job_spec"]["command"], "backup");
  EXPECT_EQ(clone["job_spec"]["job_data"], original["job_spec"]["job_data"]);
  EXPECT_EQ(job(failed).value("status", ""), "FAILED");  // the original is kept as it was
  EXPECT_NE(text_of(r).find("wait_for_job {\"job_id\": " + std::to_string(id) + "}"), std::string::npos);
}

TEST_F(JobActions, RerunJobRefusesJobsThatHaveNotEnded) {
  job_seconds(60);
  int64_t id = start_job(1, "calculate_db_growth");
  const size_t before = job_count();
  fails("rerun_job", json({{"job_id", id}}), "has not ended");
  fails("rerun_job", json({{"job_id", fixture_job("Daily base backup")}}), "recurring schedule");
  fails("rerun_job", json({{"job_id", 987654}}), "not found");
  EXPECT_EQ(job_count(), before);
}

TEST_F(JobActions, RerunJobRefusesDestructiveCommands) {
  const size_t before = job_count();
  fails("rerun_job", json({{"job_id", fixture_job("Stop node 10.0.5.13")}}), "Use stop_node instead");
  EXPECT_EQ(job_count(), before);
}

TEST_F(JobActions, RerunJobRefusesADuplicateAndATopologyConflict) {
  job_seconds(60);
  int64_t restart = fixture_job("Restart node 10.0.3.12");
  auto first = ok("rerun_job", json({{"job_id", restart}}));
  const int64_t clone = structured(first).value("job_id", int64_t{0});
  ASSERT_GT(clone, 0);
  const size_t before = job_count();
  fails("rerun_job", json({{"job_id", restart}}), "identical job " + std::to_string(clone));
  EXPECT_EQ(job_count(), before);

  // Another restart (other node) on the same cluster while the clone is active: one topology change at a
  // time. Shown with a second finished restart job of cluster 3.
  sim_->config({{"job_speed", 20}});
  int64_t other = start_job(3, "restart", json{{"node", {{"hostname", "10.0.3.11"}, {"port", 5432}}}});
  ASSERT_EQ(wait_job_end(other).value("status", ""), "FINISHED");
  fails("rerun_job", json({{"job_id", other}}), "Only one change of topology");
  EXPECT_EQ(job_count(), before + 1);
}

TEST_F(JobActions, RerunJobDryRunChangesNothing) {
  int64_t id = finished_job(7);  // a cluster no other test leaves a job running on
  const size_t before = job_count();
  auto r = ok("rerun_job", json({{"job_id", id}, {"dry_run", true}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "dry_run");
  ASSERT_EQ(s["requests"].size(), 1u);
  EXPECT_EQ(s["requests"][0]["operation"], "cloneJobInstance");
  EXPECT_EQ(s["requests"][0]["body"], (json{{"job_id", id}}));
  EXPECT_EQ(job_count(), before);
}

// ----------------------------------------------------------------------------------------- delete_job

TEST_F(JobActions, DeleteJobNeedsConfirmation) {
  int64_t id = finished_job(4);
  auto r = ok("delete_job", json({{"job_id", id}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "confirmation_required");
  EXPECT_NE(s.value("effect", "").find("Nothing changes on the database nodes"), std::string::npos)
      << s.dump();
  EXPECT_TRUE(job(id).is_object()) << "deleted without confirmation";

  auto c = ok("delete_job", json({{"job_id", id}, {"confirm", true}}));
  EXPECT_EQ(structured(c).value("status", ""), "done") << text_of(c);
  EXPECT_TRUE(job(id).is_null());
  const json st = state();
  for (const auto& j : st["jobs"]) EXPECT_NE(j.value("job_id", int64_t{0}), id);
}

TEST_F(JobActions, DeleteJobDeletesASchedule) {
  int64_t id = fixture_job("Hourly dump");
  auto r = ok("delete_job", json({{"job_id", id}}));
  EXPECT_NE(structured(r).value("effect", "").find("will not run again"), std::string::npos) << text_of(r);
  EXPECT_TRUE(job(id).is_object());
  ok("delete_job", json({{"job_id", id}, {"confirm", true}}));
  EXPECT_TRUE(job(id).is_null());
  EXPECT_TRUE(sim_cluster(2)["schedules"].empty()) << sim_cluster(2)["schedules"].dump();
}

TEST_F(JobActions, DeleteJobRefusesRunningJobs) {
  job_seconds(10);
  int64_t id = start_job(1, "calculate_db_growth");
  fails("delete_job", json({{"job_id", id}, {"confirm", true}}),
        "abort_job {\"job_id\": " + std::to_string(id) + "}");
  wait_running(id);
  fails("delete_job", json({{"job_id", id}, {"confirm", true}}), "RUNNING");
  EXPECT_TRUE(job(id).is_object());
  fails("delete_job", json({{"job_id", 987654}, {"confirm", true}}), "not found");
}

TEST_F(JobActions, DeleteJobDryRunChangesNothing) {
  int64_t id = finished_job(1);
  auto r = ok("delete_job", json({{"job_id", id}, {"dry_run", true}, {"confirm", true}}));
  json s = structured(r);
  EXPECT_EQ(s.value("status", ""), "dry_run");
  EXPECT_EQ(s["requests"][0]["operation"], "deleteJobInstance");
  EXPECT_EQ(s["requests"][0]["body"], (json{{"job_id", id}}));
  EXPECT_FALSE(s.value("effect", "").empty());
  EXPECT_TRUE(job(id).is_object());
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
