// ignore_alarm (catalogue B.9, state-changing side) against the simulator: the alarm's `ignored` flag and
// the cluster's alarm statistics in the simulator's model, the dry run, and the refusals (alarm of another
// cluster, unknown alarm, unknown cluster, nothing to change).
#include "sim_fixture.hpp"

namespace cmon_mcp::tools::test_support {
namespace {

// The simulator's model is bound to a local before iterating: `for (x : state()["k"])` would iterate a
// member of a destroyed temporary.
class AlarmActions : public SimActionTest {
 protected:
  // The simulator's cluster `id` (its alarms and alarm_statistics).
  json cluster(int64_t id) {
    const json st = state();
    for (const auto& c : st["clusters"])
      if (c.value("cluster_id", int64_t{-1}) == id) return c;
    throw std::invalid_argument("no cluster " + std::to_string(id) + " in the simulator");
  }
  // The simulator's alarm of cluster `cluster_id` with `title`.
  json sim_alarm(int64_t cluster_id, const std::string& title) {
    const json c = cluster(cluster_id);
    for (const auto& a : c["alarms"])
      if (a.value("title", "") == title) return a;
    throw std::invalid_argument("no alarm '" + title + "' in cluster " + std::to_string(cluster_id));
  }
  json sim_alarm_by_id(int64_t id) {
    const json st = state();
    for (const auto& a : st["alarms"])
      if (a.value("alarm_id", int64_t{-1}) == id) return a;
    return nullptr;
  }
  int64_t critical_count(int64_t cluster_id) { return cluster(cluster_id)["alarm_statistics"]["critical"]; }
};

TEST_F(AlarmActions, IgnoreAndUnignoreAnAlarm) {
  const json alarm = sim_alarm(2, "Backup failed");
  const int64_t id = alarm["alarm_id"];
  ASSERT_EQ(alarm["ignored"], 0);
  ASSERT_EQ(critical_count(2), 1);

  auto r = ok("ignore_alarm", {{"cluster_id", 2}, {"alarm_id", id}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "done");
  EXPECT_EQ(s["alarm_id"], id);
  EXPECT_EQ(s["ignored"], true);
  EXPECT_EQ(sim_alarm_by_id(id)["ignored"], 1);
  EXPECT_EQ(critical_count(2), 0);
  // The other alarm of the cluster is untouched.
  EXPECT_EQ(sim_alarm(2, "Replication lag")["ignored"], 0);

  auto back = ok("ignore_alarm", {{"cluster_name", "mariadb-repl"}, {"alarm_id", id}, {"ignore", false}});
  EXPECT_EQ(structured(back)["ignored"], false);
  EXPECT_EQ(sim_alarm_by_id(id)["ignored"], 0);
  EXPECT_EQ(critical_count(2), 1);
}

TEST_F(AlarmActions, DryRunShowsTheRequestAndChangesNothing) {
  const int64_t id = sim_alarm(8, "Memory usage is high")["alarm_id"];
  auto r = ok("ignore_alarm", {{"cluster_id", 8}, {"alarm_id", id}, {"dry_run", true}});
  json s = structured(r);
  EXPECT_EQ(s["status"], "dry_run");
  EXPECT_EQ(s["cluster_id"], 8);
  ASSERT_EQ(s["requests"].size(), 1u);
  EXPECT_EQ(s["requests"][0]["path"], "/v2/alarm");
  EXPECT_EQ(s["requests"][0]["operation"], "ignoreAlarm");
  EXPECT_EQ(s["requests"][0]["body"], (json{{"alarm_id", id}, {"cluster_id", 8}, {"ignore", true}}));
  EXPECT_EQ(sim_alarm_by_id(id)["ignored"], 0);
}

TEST_F(AlarmActions, Refusals) {
  const int64_t on_galera = sim_alarm(1, "Server CPU usage is high")["alarm_id"];
  // An alarm id of another cluster: refused, and the right cluster is named.
  std::string t = fails("ignore_alarm", {{"cluster_id", 2}, {"alarm_id", on_galera}}, "is not an alarm of");
  EXPECT_NE(t.find("belongs to cluster id 1"), std::string::npos) << t;
  EXPECT_NE(t.find("Backup failed"), std::string::npos) << t;  // the cluster's own alarms are listed
  EXPECT_EQ(sim_alarm_by_id(on_galera)["ignored"], 0);

  t = fails("ignore_alarm", {{"cluster_id", 3}, {"alarm_id", 999}}, "alarm 999 is not an alarm of");
  EXPECT_NE(t.find("has no alarms"), std::string::npos) << t;
  fails("ignore_alarm", {{"cluster_id", 99}, {"alarm_id", on_galera}}, "cluster 99 not found");
  fails("ignore_alarm", {{"alarm_id", on_galera}}, "give cluster_id or cluster_name");
  fails("ignore_alarm", {{"cluster_id", 1}, {"alarm_id", on_galera}, {"ignore", false}},
        "already not ignored");
  ok("ignore_alarm", {{"cluster_id", 1}, {"alarm_id", on_galera}});
  fails("ignore_alarm", {{"cluster_id", 1}, {"alarm_id", on_galera}}, "already ignored");
  EXPECT_EQ(sim_alarm_by_id(on_galera)["ignored"], 1);
}

}  // namespace
}  // namespace cmon_mcp::tools::test_support
