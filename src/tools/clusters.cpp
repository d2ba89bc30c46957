// Cluster tools (catalogue B.2, read side): list_clusters, get_cluster, get_cluster_health,
// list_supported_cluster_types, check_hosts.
#include <boost/asio/experimental/awaitable_operators.hpp>

#include "cmon_mcp/cmon/errors.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

// ----------------------------------------------------------------------------- list_clusters

awaitable<ToolResult> list_clusters(ToolContext& ctx, const json& in) {
  json args = in;
  const bool full = detail_of(args) == Detail::full;
  // The summaries read a dozen of the hundreds of fields per cluster (most of them the hosts'); the
  // raw objects of detail "full" need them all.
  static const cmon::ReplyParts summary_parts(json{{"clusters", cluster_summary_reads()}});
  cmon::CallOptions options;
  options.parts = full ? nullptr : &summary_parts;
  json fields{{"with_hosts", true}};
  auto r =
      co_await call(ctx, "/v2/clusters", "getAllClusterInfo", std::move(fields), "list clusters", options);
  if (!r) co_return r.error();
  std::string state = args.value("state", std::string());
  std::string type = args.value("cluster_type", std::string());
  std::string tag = args.value("tag", std::string());
  json items = json::array();
  json raw = json::array();
  const auto clusters = get_list_refs(*r, "clusters");  // in place: the reply can be large
  for (const json* c : clusters) {
    json s = cluster_summary(*c);
    if (!state.empty() && !iequals(s["state"].get<std::string>(), state)) continue;
    if (!type.empty() && !icontains(s["cluster_type"].get<std::string>(), type) &&
        !iequals(s["vendor"].get<std::string>(), type))
      continue;
    if (!tag.empty()) {
      bool has = false;
      for (const auto& t : s["tags"]) has = has || iequals(t.get<std::string>(), tag);
      if (!has) continue;
    }
    if (full) s["raw"] = *c;
    items.push_back(std::move(s));
  }
  json out = json::object();
  page_array(out, "clusters", std::move(items), paging_of(args, 50));
  std::string text;
  if (out["total"] == 0)
    text = clusters.empty() ? "The controller manages no clusters." : "No cluster matches the filters.";
  else
    text = std::to_string(out["total"].get<int64_t>()) + " cluster(s):\n";
  for (const auto& c : out["clusters"]) {
    text += "- " + cluster_line(c) + "\n";
    if (full && !c["status_text"].get<std::string>().empty())
      text += "  " + c["status_text"].get<std::string>() + "\n";
  }
  co_return respond(args, std::move(text), std::move(out), "clusters");
}

// ----------------------------------------------------------------------------- get_cluster

awaitable<ToolResult> get_cluster(ToolContext& ctx, const json& in) {
  json args = in;
  json extra{{"with_hosts", true}};
  // The cluster's summary, its hosts' summaries, its job counts and two paths: all but the raw object
  // of detail "full".
  static const cmon::ReplyParts summary_parts([] {
    json cluster = cluster_summary_reads();
    cluster["hosts"] = node_summary_reads();  // a superset of what cluster_summary() reads of hosts
    cluster["job_statistics"] = json{{"by_state", true}};
    cluster["configuration_file"] = true;
    cluster["log_file"] = true;
    return json{{"cluster", cluster}};
  }());
  const bool full = detail_of(args) == Detail::full;
  auto c = co_await resolve_cluster(ctx, args, std::move(extra), full ? nullptr : &summary_parts);
  if (!c) co_return c.error();
  const json& info = c->info;
  json summary = cluster_summary(info);
  json nodes = json::array();
  for (const auto& h : cluster_hosts(info, true)) nodes.push_back(node_summary(h));
  json jobs = json::object();
  const json by_state = get_object(get_object(info, "job_statistics"), "by_state");
  for (const auto& [k, v] : by_state.items()) jobs[k] = cmon::as_int(v).value_or(0);
  json out{{"cluster", summary}, {"nodes", nodes}, {"job_counts", jobs}};
  out["cluster"]["configuration_file"] = get_string(info, "configuration_file");
  out["cluster"]["log_file"] = get_string(info, "log_file");
  if (full) out["raw"] = info;

  std::string text = cluster_line(summary) + "\n";
  if (!summary["status_text"].get<std::string>().empty())
    text += "Status: " + summary["status_text"].get<std::string>() + "\n";
  text += std::string("Auto-recovery: cluster ") +
          (summary["cluster_auto_recovery"].get<bool>() ? "on" : "OFF") + ", node " +
          (summary["node_auto_recovery"].get<bool>() ? "on" : "OFF") + "\n";
  text += "Nodes:\n";
  for (const auto& n : nodes) text += "- " + node_line(n) + "\n";
  if (!jobs.empty()) {
    text += "Jobs by state:";
    for (const auto& [k, v] : jobs.items()) text += " " + k + "=" + std::to_string(v.get<int64_t>());
    text += "\n";
  }
  co_return respond(args, std::move(text), std::move(out));
}

// ----------------------------------------------------------------------------- get_cluster_health

awaitable<ToolResult> get_cluster_health(ToolContext& ctx, const json& in) {
  using namespace asio::experimental::awaitable_operators;
  json args = in;
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return c.error();
  const auto now = std::chrono::system_clock::now();

  // Alarms, running jobs and recent failed jobs are independent: ask for them at once.
  json alarm_fields{{"cluster_id", c->id}};
  json running_fields{{"cluster_id", c->id}, {"show_running", true}, {"show_defined", true}, {"limit", 20}};
  json failed_fields{{"cluster_id", c->id}, {"show_failed", true}, {"limit", 10}};
  auto [alarms_r, running_r, failed_r] =
      co_await (ctx.cmon.call("/v2/alarm", "getAlarms", std::move(alarm_fields)) &&
                ctx.cmon.call("/v2/jobs", "getJobInstances", std::move(running_fields)) &&
                ctx.cmon.call("/v2/jobs", "getJobInstances", std::move(failed_fields)));

  json out{{"cluster_id", c->id},
           {"cluster_name", c->name},
           {"cluster_type", c->type},
           {"state", c->state},
           {"status_text", strip_html(get_string(c->info, "status_text"))},
           {"maintenance", get_bool(c->info, "maintenance_mode_active")}};
  json problems = json::array();
  json unavailable = json::array();

  auto hosts = cluster_hosts(c->info);
  json offline = json::array();
  json replication = json::array();
  for (const auto& h : hosts) {
    json n = node_summary(h);
    if (!n["online"].get<bool>()) offline.push_back(n);
    json rep = replication_of(h, c->family);
    if (!rep.is_null()) replication.push_back(rep);
  }
  out["nodes_total"] = hosts.size();
  out["offline_nodes"] = offline;
  out["replication"] = replication;
  for (const auto& n : offline)
    problems.push_back(
        "node " + n["node"].get<std::string>() + " is " + n["status"].get<std::string>() +
        (n["message"].get<std::string>().empty() ? "" : ": " + n["message"].get<std::string>()));
  int64_t max_lag = -1;
  for (const auto& r : replication) {
    int64_t lag = r.value("lag_s", int64_t{-1});
    max_lag = std::max(max_lag, lag);
    if (lag >= 60)
      problems.push_back("replica " + r["node"].get<std::string>() + " lags " +
                         human_duration(static_cast<double>(lag)));
    std::string io = lower(r.value("io_running", std::string("yes")));
    std::string sql = lower(r.value("sql_running", std::string("yes")));
    if ((!io.empty() && io != "yes") || (!sql.empty() && sql != "yes"))
      problems.push_back("replica " + r["node"].get<std::string>() + " replication threads IO=" + io +
                         " SQL=" + sql +
                         (r.contains("error") ? " (" + r["error"].get<std::string>() + ")" : ""));
    if (r.contains("galera_status") && !iequals(r["galera_status"].get<std::string>(), "Primary"))
      problems.push_back("Galera node " + r["node"].get<std::string>() + " is in a " +
                         r["galera_status"].get<std::string>() + " component");
  }
  out["max_replication_lag_s"] = max_lag;

  json critical = json::array();
  int64_t warnings = 0;
  if (alarms_r) {
    for (const auto& a : get_list(*alarms_r, "alarms")) {
      if (get_bool(a, "ignored")) continue;
      if (icontains(get_string(a, "severity_name"), "critical")) {
        critical.push_back(json{{"alarm_id", get_int(a, "alarm_id")},
                                {"title", strip_html(get_string(a, "title"))},
                                {"hostname", get_string(a, "hostname")},
                                {"message", strip_html(get_string(a, "message"))}});
        problems.push_back("critical alarm: " + strip_html(get_string(a, "title")) +
                           (get_string(a, "hostname").empty() ? "" : " on " + get_string(a, "hostname")));
      } else {
        ++warnings;
      }
    }
  } else {
    unavailable.push_back("alarms: " + cmon::describe(alarms_r.error()));
  }
  out["critical_alarms"] = critical;
  out["warning_alarms"] = warnings;

  auto job_brief = [&](const json& j) {
    return json{{"job_id", get_int(j, "job_id")},
                {"command", job_command(j)},
                {"title", strip_html(get_string(j, "title"))},
                {"status", get_string(j, "status")},
                {"progress_percent", get_double(j, "progress_percent")},
                {"status_text", strip_html(get_string(j, "status_text"))},
                {"ended", cmon_ts(j, "ended")}};
  };
  json running = json::array();
  if (running_r) {
    for (const auto& j : get_list(*running_r, "jobs"))
      if (!cmon::is_job_terminal(get_string(j, "status")) && !iequals(get_string(j, "status"), "SCHEDULED") &&
          !iequals(get_string(j, "status"), "PAUSED"))
        running.push_back(job_brief(j));
  } else {
    unavailable.push_back("running jobs: " + cmon::describe(running_r.error()));
  }
  json failed = json::array();
  if (failed_r) {
    for (const auto& j : get_list(*failed_r, "jobs")) {
      if (!iequals(get_string(j, "status"), "FAILED")) continue;
      auto ended = cmon_time(j.value("ended", j.value("created", json())));
      if (ended && now - *ended > std::chrono::hours(24)) continue;
      failed.push_back(job_brief(j));
      problems.push_back("job " + std::to_string(get_int(j, "job_id")) + " '" +
                         strip_html(get_string(j, "title")) + "' failed" +
                         (cmon_ts(j, "ended").empty() ? "" : " at " + cmon_ts(j, "ended")));
    }
  } else {
    unavailable.push_back("failed jobs: " + cmon::describe(failed_r.error()));
  }
  out["running_jobs"] = running;
  out["failed_jobs_24h"] = failed;

  std::string st = c->state;
  for (auto& ch : st) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  std::string verdict = "healthy";
  if (st == "FAILURE" || st == "STOPPED" || !critical.empty() || offline.size() == hosts.size())
    verdict = "critical";
  else if (st != "STARTED" || !offline.empty() || !problems.empty())
    verdict = "degraded";
  if (st != "STARTED") problems.insert(problems.begin(), "cluster state is " + c->state);
  out["verdict"] = verdict;
  out["problems"] = problems;
  out["unavailable"] = unavailable;

  std::string text = c->name + " (id " + std::to_string(c->id) + ", " + c->type + "): " + verdict +
                     " — state " + c->state + ", " + std::to_string(hosts.size() - offline.size()) + "/" +
                     std::to_string(hosts.size()) + " nodes online, " + std::to_string(critical.size()) +
                     " critical / " + std::to_string(warnings) + " warning alarms, " +
                     std::to_string(running.size()) + " running jobs, " + std::to_string(failed.size()) +
                     " failed jobs in 24h";
  if (max_lag >= 0) text += ", max replication lag " + human_duration(static_cast<double>(max_lag));
  text += out["maintenance"].get<bool>() ? ", IN MAINTENANCE.\n" : ".\n";
  if (!problems.empty()) {
    text += "Problems:\n";
    for (const auto& p : problems) text += "- " + p.get<std::string>() + "\n";
  }
  for (const auto& j : running)
    text += "Running: job " + std::to_string(j["job_id"].get<int64_t>()) + " " +
            j["title"].get<std::string>() + " (" + fixed(j["progress_percent"].get<double>(), 0) + "%)\n";
  if (!replication.empty() && detail_of(args) == Detail::full) {
    text += "Replication:\n";
    for (const auto& r : replication) text += "- " + r.dump() + "\n";
  }
  for (const auto& u : unavailable) text += "Could not check " + u.get<std::string>() + "\n";
  co_return respond(args, std::move(text), std::move(out));
}

// ----------------------------------------------------------------------------- list_supported_cluster_types

awaitable<ToolResult> list_supported_cluster_types(ToolContext& ctx, const json& in) {
  json args = in;
  json fields = json::object();
  auto r = co_await call(ctx, "/v2/discovery", "getSupportedClusterTypes", std::move(fields),
                         "list supported cluster types");
  if (!r) co_return r.error();
  std::string want = args.value("cluster_type", std::string());
  json props = r->value("cluster_type_properties", json::object());
  json names = get_list(*r, "cluster_type_names");
  if (names.empty() && props.is_object())
    for (const auto& [k, v] : props.items()) names.push_back(k);
  json types = json::array();
  std::string text;
  for (const auto& n : names) {
    if (!n.is_string()) continue;
    std::string name = n.get<std::string>();
    if (!want.empty() && !iequals(name, want)) continue;
    json p = props.is_object() ? props.value(name, json::object()) : json::object();
    json vendors = json::array();
    for (const auto& v : get_list(p, "vendors")) {
      json versions = json::array();
      for (const auto& ver : get_list(v, "versions")) versions.push_back(get_string(json{{"v", ver}}, "v"));
      vendors.push_back(json{{"name", get_string(v, "name")}, {"versions", versions}});
    }
    types.push_back(
        json{{"type", name}, {"long_name", get_string(p, "long_name", name)}, {"vendors", vendors}});
    text += "- " + name + " (" + get_string(p, "long_name", name) + "):";
    for (const auto& v : vendors) {
      text += " " + v["name"].get<std::string>() + " [";
      for (size_t i = 0; i < v["versions"].size(); ++i)
        text += (i ? ", " : "") + v["versions"][i].get<std::string>();
      text += "]";
    }
    text += "\n";
  }
  if (!want.empty() && types.empty()) {
    std::string known;
    for (const auto& n : names) known += (known.empty() ? "" : ", ") + get_string(json{{"v", n}}, "v");
    co_return ToolResult::error("cluster type '" + want +
                                "' is not supported by this controller; supported: " + known);
  }
  json out{{"cluster_types", types}, {"total", types.size()}};
  text = std::to_string(types.size()) + " deployable cluster type(s) (type: vendor [versions]):\n" + text;
  co_return respond(args, std::move(text), std::move(out));
}

// ----------------------------------------------------------------------------- check_hosts

awaitable<ToolResult> check_hosts(ToolContext& ctx, const json& in) {
  json args = in;
  json nodes = json::array();
  for (const auto& h : args["hosts"]) {
    std::string spec = h.get<std::string>();
    json node{{"class_name", "CmonHost"}, {"hostname", spec}};
    if (auto colon = spec.rfind(':'); colon != std::string::npos && spec.find(':') == colon) {
      node["hostname"] = spec.substr(0, colon);
      node["port"] = get_int(json{{"p", spec.substr(colon + 1)}}, "p");
    }
    nodes.push_back(node);
  }
  json fields{{"nodes", nodes},
              {"check_if_already_registered", args.value("check_if_already_registered", true)},
              {"check_ssh_sudo", args.value("check_ssh_sudo", true)}};
  if (args.contains("ssh_user")) fields["ssh_credentials"] = json{{"user_name", args["ssh_user"]}};
  auto r = co_await call(ctx, "/v2/discovery", "checkHosts", std::move(fields), "check hosts");
  if (!r) co_return r.error();
  // The per-host list has no documented key: take the first array of objects that name hosts.
  json per_host = json::array();
  for (const char* key : {"checked_hosts", "hosts", "nodes", "data", "results"}) {
    json l = get_list(*r, key);
    if (!l.empty()) {
      per_host = l;
      break;
    }
  }
  json results = json::array();
  std::string text;
  for (const auto& h : per_host) {
    json host = h.contains("host") && h["host"].is_object() ? h["host"] : h;
    std::string name = get_string(host, "hostname", get_string(h, "hostname"));
    std::string code = get_string(h, "error_code", get_string(h, "status"));
    std::string message =
        strip_html(get_string(h, "message", get_string(h, "error_string", get_string(h, "description"))));
    bool ok = iequals(code, "HostIsOk") || (code.empty() && message.empty()) || iequals(code, "ok");
    results.push_back(json{{"hostname", name}, {"ok", ok}, {"code", code}, {"message", message}});
    text += "- " + name + ": " + (ok ? "OK" : "PROBLEM") + (code.empty() ? "" : " (" + code + ")") +
            (message.empty() ? "" : " — " + message) + "\n";
  }
  json messages = json::array();
  for (const auto& m : get_list(*r, "messages"))
    messages.push_back(strip_html(get_string(json{{"v", m}}, "v")));
  if (results.empty()) {
    text = "The controller accepted the check but returned no per-host results.\n";
    for (const auto& m : messages) text += "- " + m.get<std::string>() + "\n";
  } else {
    text = "Host checks (read-only pre-flight):\n" + text;
  }
  json out{{"hosts", results}, {"messages", messages}};
  co_return respond(args, std::move(text), std::move(out));
}

}  // namespace

void register_clusters_tools(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "list_clusters",
      .title = "List clusters",
      .description = "Lists every database cluster the ClusterControl controller manages, one line each: id, "
                     "name, type, "
                     "vendor/version, state, nodes online, alarm counts, tags. Use it first to find cluster "
                     "ids and names, or "
                     "to answer \"what do we run?\". Filters: state (e.g. DEGRADED), cluster_type (e.g. "
                     "galera, postgresql), "
                     "tag. Read-only: changes nothing.\nExample: {\"state\": \"FAILURE\"}",
      .group = "clusters",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .prop("state", s_enum("Only clusters in this state.",
                                    {"STARTED", "DEGRADED", "FAILURE", "STOPPED", "NOT_STARTED", "STARTING",
                                     "SHUTTING_DOWN", "RECOVERING", "UNKNOWN"}))
              .prop("cluster_type", s_string("Only clusters whose type contains this text or whose vendor "
                                             "is this (galera, replication, postgresql, mongodb, redis, "
                                             "mssql, percona, mariadb, ...)."))
              .prop("tag", s_string("Only clusters with this tag."))
              .paging(50, 500)
              .detail()
              .format()
              .build(),
      .output_schema = o_page("clusters", cluster_summary_schema()),
      .handler = list_clusters,
  });
  registry.add(ToolDefinition{
      .name = "get_cluster",
      .title = "Get cluster",
      .description = "One cluster in detail: state and status text, vendor/version, auto-recovery switches, "
                     "maintenance, every "
                     "node with role, status, version and uptime, and job counts by state. Use it when a "
                     "question is about one "
                     "cluster's make-up or settings; for \"is it healthy?\" prefer get_cluster_health. "
                     "Read-only: changes "
                     "nothing.\nExample: {\"cluster_name\": \"prod-galera\"}",
      .group = "clusters",
      .tool_class = ToolClass::read,
      .input_schema = Schema().cluster().detail().format().build(),
      .output_schema = o_obj({{"cluster", cluster_summary_schema()},
                              {"nodes", o_arr(node_summary_schema())},
                              {"job_counts", o_obj(json::object())}},
                             {"cluster", "nodes"}),
      .handler = get_cluster,
  });
  json brief_job = o_obj({{"job_id", o_int()}, {"command", o_str()}, {"title", o_str()}, {"status", o_str()}},
                         {"job_id", "status"});
  registry.add(ToolDefinition{
      .name = "get_cluster_health",
      .title = "Cluster health summary",
      .description = "A DBA's health check of one cluster in a single call: verdict (healthy / degraded / "
                     "critical), cluster "
                     "state, offline or failed nodes, critical alarms, running jobs, jobs failed in the last "
                     "24 h, replication "
                     "lag and thread/Galera state, maintenance. Start here for \"what's wrong with cluster "
                     "X?\". Asks CMON "
                     "for cluster info, alarms and jobs concurrently. Read-only: changes nothing.\nExample: "
                     "{\"cluster_name\": \"prod-galera\"}",
      .group = "clusters",
      .tool_class = ToolClass::read,
      .input_schema = Schema().cluster().detail().format().build(),
      .output_schema = o_obj({{"cluster_id", o_int()},
                              {"cluster_name", o_str()},
                              {"cluster_type", o_str()},
                              {"state", o_str()},
                              {"verdict", s_enum("", {"healthy", "degraded", "critical"})},
                              {"nodes_total", o_int()},
                              {"offline_nodes", o_arr(node_summary_schema())},
                              {"critical_alarms", o_arr(o_obj({{"alarm_id", o_int()}, {"title", o_str()}}))},
                              {"warning_alarms", o_int()},
                              {"running_jobs", o_arr(brief_job)},
                              {"failed_jobs_24h", o_arr(brief_job)},
                              {"replication", o_arr(o_obj({{"node", o_str()}}, {"node"}))},
                              {"max_replication_lag_s", o_int()},
                              {"maintenance", o_bool()},
                              {"problems", o_arr(o_str())},
                              {"unavailable", o_arr(o_str())}},
                             {"cluster_id", "state", "verdict", "offline_nodes", "critical_alarms",
                              "running_jobs", "failed_jobs_24h", "problems"}),
      .handler = get_cluster_health,
  });
  registry.add(ToolDefinition{
      .name = "list_supported_cluster_types",
      .title = "Supported cluster types",
      .description = "What this controller can deploy or import: cluster types with their vendors and "
                     "versions. Use it before "
                     "create_cluster/import_cluster to pick valid type/vendor/version values. Read-only: "
                     "changes nothing.\n"
                     "Example: {\"cluster_type\": \"galera\"}",
      .group = "clusters",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .prop("cluster_type", s_string("Only this type (e.g. galera, postgresql, mongodb)."))
              .format()
              .build(),
      .output_schema =
          o_obj({{"cluster_types",
                  o_arr(o_obj({{"type", o_str()},
                               {"long_name", o_str()},
                               {"vendors", o_arr(o_obj({{"name", o_str()}, {"versions", o_arr(o_str())}}))}},
                              {"type", "vendors"}))},
                 {"total", o_int()}},
                {"cluster_types"}),
      .handler = list_supported_cluster_types,
  });
  registry.add(ToolDefinition{
      .name = "check_hosts",
      .title = "Pre-flight host check",
      .description =
          "Asks the controller to check hosts before a deployment or node addition: SSH and sudo "
          "reachability and "
          "whether a host is already registered in ClusterControl. Returns one verdict per host. Read-only: "
          "changes "
          "nothing (no job is started).\nExample: {\"hosts\": [\"10.0.0.21\", \"10.0.0.22:3306\"]}",
      .group = "clusters",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .prop("hosts",
                    s_array(s_string("\"host\" or \"host:port\"", std::nullopt, 300), "Hosts to check.", 32),
                    true)
              .prop("check_ssh_sudo", s_boolean("Check SSH login and sudo (default true)."))
              .prop("check_if_already_registered", s_boolean("Report hosts already managed (default true)."))
              .prop("ssh_user",
                    s_string("SSH user to check with (default: the controller's configured user)."))
              .format()
              .build(),
      .output_schema =
          o_obj({{"hosts", o_arr(o_obj({{"hostname", o_str()}, {"ok", o_bool()}, {"message", o_str()}},
                                       {"hostname", "ok"}))},
                 {"messages", o_arr(o_str())}},
                {"hosts"}),
      .handler = check_hosts,
  });
}

}  // namespace cmon_mcp::tools
