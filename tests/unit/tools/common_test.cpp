// Unit tests of the shared tool framework: time parsing, humanising, paging, caps, selectors, errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cmon_mcp/tools/common.hpp"
#include "cmon_mcp/util/json_parse.hpp"
#include "fake_cmon.hpp"

namespace cmon_mcp::tools {
namespace {

using namespace std::chrono;
using test::FakeCmon;

SysTime at(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours(h) + minutes(mi) + seconds(s);
}

TEST(TimeParsing, IsoForms) {
  SysTime now = at(2025, 3, 1, 12);
  EXPECT_EQ(*parse_time("2025-03-01T10:00:00Z", now), at(2025, 3, 1, 10));
  EXPECT_EQ(*parse_time("2025-03-01T10:00:00.250Z", now), at(2025, 3, 1, 10) + milliseconds(250));
  EXPECT_EQ(*parse_time("2025-03-01T12:00:00+02:00", now), at(2025, 3, 1, 10));
  EXPECT_EQ(*parse_time("2025-03-01 10:30", now), at(2025, 3, 1, 10, 30));
  EXPECT_EQ(*parse_time("2025-03-01", now), at(2025, 3, 1));
  EXPECT_EQ(*parse_time("now", now), now);
}

TEST(TimeParsing, Relative) {
  SysTime now = at(2025, 3, 1, 12);
  EXPECT_EQ(*parse_time("15m", now), now - minutes(15));
  EXPECT_EQ(*parse_time("1h", now), now - hours(1));
  EXPECT_EQ(*parse_time("7d", now), now - hours(24 * 7));
  EXPECT_EQ(*parse_time("2 hours ago", now), now - hours(2));
  EXPECT_EQ(*parse_time("90s", now), now - seconds(90));
}

TEST(TimeParsing, RejectsNonsenseWithAHint) {
  SysTime now = at(2025, 3, 1, 12);
  for (const char* bad :
       {"yesterday", "2025-13-01", "2025-02-30T10:00Z", "15 parsecs", "", "-5m", "2025-03-01T25:00"}) {
    auto r = parse_time(bad, now);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().find("cannot read"), std::string::npos) << r.error();
  }
}

TEST(TimeParsing, WindowDefaultsAndOrder) {
  SysTime now = at(2025, 3, 1, 12);
  auto w = time_window_of(json::object(), "1h", now);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->since, now - hours(1));
  EXPECT_EQ(w->until, now);
  auto bad = time_window_of(json{{"since", "1h"}, {"until", "2h"}}, "1h", now);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("after until"), std::string::npos);
}

TEST(TimeParsing, CmonTimestamps) {
  EXPECT_EQ(iso_utc(at(2021, 2, 9, 9, 33, 45)), "2021-02-09T09:33:45Z");
  EXPECT_EQ(cmon_ts(json{{"t", "2021-02-09T09:33:45.000Z"}}, "t"), "2021-02-09T09:33:45Z");
  EXPECT_EQ(cmon_ts(json{{"t", 1740819600}}, "t"), "2025-03-01T09:00:00Z");
  EXPECT_EQ(cmon_ts(json{{"t", ""}}, "t"), "");
  EXPECT_EQ(cmon_ts(json::object(), "t"), "");
}

TEST(Humanise, BytesDurationsPercent) {
  EXPECT_EQ(human_bytes(512), "512 B");
  EXPECT_EQ(human_bytes(1288490188), "1.2 GiB");
  EXPECT_EQ(human_bytes(17179869184.0), "16 GiB");
  EXPECT_EQ(human_duration(42), "42s");
  EXPECT_EQ(human_duration(283), "4m 43s");
  EXPECT_EQ(human_duration(3 * 3600 + 12 * 60), "3h 12m");
  EXPECT_EQ(human_duration(2 * 86400 + 3 * 3600), "2d 3h");
  EXPECT_EQ(human_percent(0.4213), "42.1%");
}

TEST(Tolerance, QuirkyValues) {
  json o{{"port", "3306"}, {"ignored", 0}, {"flag", "true"}, {"lag", nullptr}, {"list", {1, nullptr, 2}}};
  EXPECT_EQ(get_int(o, "port"), 3306);
  EXPECT_FALSE(get_bool(o, "ignored", true));
  EXPECT_TRUE(get_bool(o, "flag"));
  EXPECT_EQ(get_int(o, "lag", -1), -1);
  EXPECT_EQ(get_list(o, "list").size(), 2u);
  EXPECT_TRUE(get_list(o, "missing").empty());
  EXPECT_EQ(strip_html("Backup <strong style='x'>done</strong> &amp; verified"), "Backup done & verified");
  EXPECT_EQ(strip_html("a < b"), "a < b");
}

TEST(Paging, PageInfoAndArraySlices) {
  json out = json::object();
  json items = json::array();
  for (int i = 0; i < 7; ++i) items.push_back(i);
  page_array(out, "items", items, Paging{3, 0});
  EXPECT_EQ(out["items"], json({0, 1, 2}));
  EXPECT_EQ(out["total"], 7);
  EXPECT_EQ(out["next_offset"], 3);
  page_array(out, "items", items, Paging{3, 6});
  EXPECT_EQ(out["items"], json({6}));
  EXPECT_TRUE(out["next_offset"].is_null());
  page_array(out, "items", items, Paging{3, 10});
  EXPECT_TRUE(out["items"].empty());
  EXPECT_TRUE(out["next_offset"].is_null());
}

TEST(Caps, TextIsCutAtALineWithANote) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + " with some padding text\n";
  std::string cut = cap_text(text, kTextCap, "call again with offset=40");
  EXPECT_LE(cut.size(), kTextCap + 200);
  EXPECT_NE(cut.find("offset=40"), std::string::npos);
  EXPECT_EQ(cap_text("short", kTextCap, "x"), "short");
}

TEST(Caps, StructuredListIsTrimmedAndSaysSo) {
  json out = json::object();
  json items = json::array();
  for (int i = 0; i < 200; ++i) items.push_back(json{{"i", i}, {"pad", std::string(1000, 'x')}});
  page_array(out, "items", items, Paging{200, 0});
  auto r = respond(json::object(), "text", out, "items");
  ASSERT_TRUE(r.structured);
  EXPECT_LE(r.structured->dump().size(), kStructuredCap);
  EXPECT_TRUE((*r.structured)["truncated"].get<bool>());
  EXPECT_EQ((*r.structured)["next_offset"], (*r.structured)["items"].size());
  EXPECT_NE(test::text_of(r).find("offset="), std::string::npos);
}

TEST(Respond, JsonFormatPutsTheStructuredObjectInTheText) {
  auto r = respond(json{{"format", "json"}}, "human text", json{{"a", 1}});
  EXPECT_EQ(json::parse(test::text_of(r)), json({{"a", 1}}));
}

json two_clusters() {
  return json{{"clusters",
               {{{"cluster_id", 3}, {"cluster_name", "prod-galera"}, {"cluster_type", "GALERA"}},
                {{"cluster_id", 5}, {"cluster_name", "staging-pg"}, {"cluster_type", "POSTGRESQL_SINGLE"}},
                {{"cluster_id", 7}, {"cluster_name", "Dup"}},
                {{"cluster_id", 8}, {"cluster_name", "dup"}}}},
              {"total", 4}};
}

TEST(ClusterSelector, NamesMatchCaseInsensitively) {
  auto m = match_cluster_name(two_clusters()["clusters"], "PROD-GALERA");
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)["cluster_id"], 3);
}

TEST(ClusterSelector, UnknownNameListsCloseMatchesAndKnownClusters) {
  auto m = match_cluster_name(two_clusters()["clusters"], "prod-db");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("cluster 'prod-db' not found"), std::string::npos) << m.error();
  EXPECT_NE(m.error().find("close matches: prod-galera (id 3)"), std::string::npos) << m.error();
  EXPECT_NE(m.error().find("staging-pg (id 5)"), std::string::npos) << m.error();
}

TEST(ClusterSelector, AmbiguousNameAsksForTheId) {
  auto m = match_cluster_name(two_clusters()["clusters"], "DUP");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().find("ambiguous"), std::string::npos);
  EXPECT_NE(m.error().find("cluster_id"), std::string::npos);
}

Cluster galera() {
  json info{
      {"cluster_id", 3},
      {"cluster_name", "prod-galera"},
      {"cluster_type", "GALERA"},
      {"hosts",
       {{{"hostname", "10.0.0.11"}, {"port", 3306}, {"nodetype", "galera"}, {"hoststatus", "CmonHostOnline"}},
        {{"hostname", "10.0.0.12"},
         {"port", "3306"},
         {"nodetype", "galera"},
         {"hoststatus", "CmonHostOffLine"}},
        {{"hostname", "10.0.0.12"}, {"port", 9600}, {"nodetype", "prometheus"}},
        {{"hostname", "10.0.0.5"}, {"port", 9500}, {"nodetype", "controller"}}}}};
  return cluster_from(info);
}

TEST(NodeSelector, PortDefaultsFromTheClusterAndDbNodesWin) {
  auto c = galera();
  auto a = find_node(c, "10.0.0.11");
  ASSERT_TRUE(a);
  EXPECT_EQ(get_int(*a, "port"), 3306);
  auto b = find_node(c, "10.0.0.12:3306");
  ASSERT_TRUE(b);
  EXPECT_EQ(get_string(*b, "nodetype"), "galera");
  auto p = find_node(c, "10.0.0.12:9600");
  ASSERT_TRUE(p);
  EXPECT_EQ(get_string(*p, "nodetype"), "prometheus");
}

TEST(NodeSelector, AmbiguousOrUnknownListsTheNodes) {
  auto c = galera();
  auto amb = find_node(c, "10.0.0.12");
  ASSERT_FALSE(amb);
  EXPECT_NE(amb.error().find("ambiguous"), std::string::npos) << amb.error();
  auto none = find_node(c, "10.0.0.99");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().find("not found in cluster prod-galera"), std::string::npos);
  EXPECT_NE(none.error().find("10.0.0.11:3306"), std::string::npos);
  EXPECT_FALSE(find_node(c, "10.0.0.11:abc"));
}

TEST(Errors, CmonFailuresBecomeActionableErrorResults) {
  cmon::Error e;
  e.code = cmon::Errc::unreachable;
  e.endpoint = "https://127.0.0.1:9501";
  auto down = cmon_failure(e, "list clusters");
  EXPECT_TRUE(down.is_error);
  EXPECT_NE(test::text_of(down).find("controller unreachable at https://127.0.0.1:9501"), std::string::npos);
  e.code = cmon::Errc::access_denied;
  e.message = "Read access to cluster 3 is denied.";
  auto r = cmon_failure(e, "list backups of cluster 3");
  EXPECT_TRUE(r.is_error);
  EXPECT_EQ(test::text_of(r).rfind("Could not list backups of cluster 3: ", 0), 0u);
  EXPECT_NE(test::text_of(r).find("denied"), std::string::npos);
}

TEST(Jobs, StatesCommandsAndLogTail) {
  EXPECT_EQ(job_command(json{{"job_spec", {{"command", "backup"}}}}), "backup");
  EXPECT_EQ(job_command(json{{"job_spec", "{\"command\": \"restart\"}"}}), "restart");
  EXPECT_EQ(job_command(json{{"job_spec", "recovery of node 3"}}), "");
  json msgs = json::array();
  for (int i = 1; i <= 30; ++i)
    msgs.push_back(
        json{{"message_id", i},
             {"created", "2025-03-01T10:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ".000Z"},
             {"message_status", i == 2    ? "JOB_FAILED"
                                : i == 29 ? "JOB_WARNING"
                                          : "JOB_SUCCESS"},
             {"message_text", "step " + std::to_string(i)}});
  json tail = job_log_tail(msgs, 5);
  ASSERT_GE(tail.size(), 3u);
  EXPECT_EQ(tail[0]["message_id"], 2);  // the old failure comes first
  EXPECT_EQ(tail[1]["message_id"], 29);
  EXPECT_EQ(tail.back()["message_id"], 30);
}

// What the summaries read of a cluster or host (their ReplyParts specs) is all they read: on the real
// controller's replies, a summary of the parts equals the summary of the whole object.
TEST(SummaryReads, CapturedClustersAndHostsSummariseAlikeFromTheirParts) {
  const char* env = std::getenv("CMON_MCP_CAPTURES_DIR");
  std::filesystem::path dir =
      env && *env ? std::filesystem::path(env)
                  : std::filesystem::path(CMON_MCP_SOURCE_DIR) / ".." / "shared" / "cmon-captures";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no CMON captures at " << dir;
  const util::JsonKeep cluster_keep(cluster_summary_reads());
  const util::JsonKeep host_keep(node_summary_reads());
  int clusters = 0, hosts = 0;
  for (const char* file : {"Ok-getAllClusterInfo-rep.json", "Ok-getClusterInfo-rep.json"}) {
    std::ifstream in(dir / file, std::ios::binary);
    ASSERT_TRUE(in) << file;
    std::stringstream ss;
    ss << in.rdbuf();
    const json reply = json::parse(ss.str());
    json list = get_list(reply, "clusters");
    if (reply.contains("cluster")) list.push_back(reply["cluster"]);
    for (const auto& c : list) {
      EXPECT_EQ(cluster_summary(util::project(c, cluster_keep)), cluster_summary(c)) << file;
      ++clusters;
      for (const auto& h : cluster_hosts(c, true)) {
        EXPECT_EQ(node_summary(util::project(h, host_keep)), node_summary(h)) << file;
        ++hosts;
      }
    }
  }
  EXPECT_GE(clusters, 1);  // the captured controller has one cluster of two hosts; SimToolsTest has them all
  EXPECT_GE(hosts, 2);
}

// A summary that read a field its spec leaves out would differ on the parts: the check above can fail.
TEST(SummaryReads, AFieldLeftOutChangesTheSummary) {
  json host{{"hostname", "db1"},
            {"port", 3306},
            {"hoststatus", "CmonHostOnline"},
            {"nodetype", "galera"},
            {"version", "8.0.36"}};
  json reads = node_summary_reads();
  reads.erase("version");
  EXPECT_NE(node_summary(util::project(host, util::JsonKeep(reads))), node_summary(host));
  EXPECT_EQ(node_summary(util::project(host, util::JsonKeep(node_summary_reads()))), node_summary(host));
}

}  // namespace
}  // namespace cmon_mcp::tools
