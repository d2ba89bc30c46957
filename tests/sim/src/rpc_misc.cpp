// Alarms, logs, audit, maintenance, node configuration, reports, discovery, versions, tree tags and
// controller ping.
#include <algorithm>
#include <map>
#include <set>

#include "cmon_sim/engine.hpp"
#include "cmon_sim/model_builder.hpp"

namespace cmon_sim {
namespace {

int severity_rank(const std::string& s) {
  static const std::map<std::string, int> r = {{"LOG_DEBUG", 0},   {"LOG_INFO", 1}, {"LOG_NOTICE", 2},
                                               {"LOG_WARNING", 3}, {"LOG_ERR", 4},  {"LOG_CRIT", 5},
                                               {"LOG_ALERT", 6},   {"LOG_EMERG", 7}};
  auto it = r.find(s);
  return it == r.end() ? 1 : it->second;
}

json supported_types() {
  auto vendor = [](const char* n, std::vector<std::string> v) { return json{{"name", n}, {"versions", v}}; };
  json props = {
      {"galera",
       {{"long_name", "Galera Cluster for MySQL"},
        {"short_name", "Galera"},
        {"type_name", "galera"},
        {"vendors",
         {vendor("percona", {"5.7", "8.0"}), vendor("mariadb", {"10.6", "10.11", "11.4"}),
          vendor("codership", {"5.7", "8.0"})}}}},
      {"replication",
       {{"long_name", "MySQL Replication"},
        {"short_name", "Replication"},
        {"type_name", "replication"},
        {"vendors",
         {vendor("percona", {"5.7", "8.0", "8.4"}), vendor("oracle", {"8.0", "8.4"}),
          vendor("mariadb", {"10.6", "10.11", "11.4"})}}}},
      {"postgresql",
       {{"long_name", "PostgreSQL Streaming Replication"},
        {"short_name", "PostgreSQL"},
        {"type_name", "postgresql_single"},
        {"vendors", {vendor("postgresql", {"13", "14", "15", "16"}), vendor("enterprisedb", {"15", "16"})}}}},
      {"timescaledb",
       {{"long_name", "TimescaleDB (PostgreSQL)"},
        {"short_name", "TimescaleDB"},
        {"type_name", "postgresql_single"},
        {"vendors", {vendor("postgresql", {"14", "15", "16"})}}}},
      {"mongodb",
       {{"long_name", "MongoDB Replica Set / Sharded Cluster"},
        {"short_name", "MongoDB"},
        {"type_name", "mongodb"},
        {"vendors", {vendor("10gen", {"6.0", "7.0"}), vendor("percona", {"6.0", "7.0"})}}}},
      {"mssql_ao_async",
       {{"long_name", "SQL Server Always On (async)"},
        {"short_name", "SQL Server AO"},
        {"type_name", "mssql_ao_async"},
        {"vendors", {vendor("microsoft", {"2019", "2022"})}}}},
      {"redis",
       {{"long_name", "Redis Sentinel"},
        {"short_name", "Redis"},
        {"type_name", "redis"},
        {"vendors", {vendor("redis", {"6", "7"})}}}}};
  json names = json::array();
  for (auto it = props.begin(); it != props.end(); ++it) names.push_back(it.key());
  return {{"cluster_type_names", names}, {"cluster_type_properties", props}, {"total", names.size()}};
}

bool maint_matches(const json& m, const json* cluster, const std::string& hostname) {
  if (!hostname.empty()) return m.value("hostname", "") == hostname;
  return cluster && m.value("cluster_id", int64_t{-1}) == (*cluster)["cluster_id"];
}

}  // namespace

void register_misc_operations(Engine& e, std::vector<OperationSpec>& ops) {
  // ---------------------------------------------------------------- alarms
  ops.push_back({"alarm", "getAlarms", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound, false));
                   json all = json::array();
                   for (const auto& a : e.model()["alarms"])
                     if (!*cl || a["cluster_id"] == (**cl)["cluster_id"]) all.push_back(a);
                   SIM_TRY(page, paginate(c, all));
                   return json{{"alarms", *page}, {"total", all.size()}};
                 }});
  auto find_alarm = [&e](const Call& c) -> cmon_mcp::Expected<json*, Failure> {
    SIM_TRY(id, c.int_field("alarm_id"));
    for (auto& a : e.model()["alarms"])
      if (a["alarm_id"] == *id) return &a;
    return fail("ObjectNotFound", "Alarm " + std::to_string(*id) + " was not found.");
  };
  ops.push_back({"alarm", "getAlarm", false, false, [find_alarm](Call& c) -> Outcome {
                   SIM_TRY(a, find_alarm(c));
                   return json{{"alarm", **a}};
                 }});
  ops.push_back({"alarm", "ignoreAlarm", true, false, [find_alarm](Call& c) -> Outcome {
                   SIM_TRY(a, find_alarm(c));
                   SIM_TRY(ignore, c.opt_bool("ignore", true));
                   (**a)["ignored"] = *ignore ? 1 : 0;
                   return json{{"alarm", **a}};
                 }});
  ops.push_back({"alarm", "getStatistics", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound, false));
                   json stats = json::array();
                   for (const auto& x : e.model()["clusters"]) {
                     if (*cl && x["cluster_id"] != (**cl)["cluster_id"]) continue;
                     stats.push_back(e.public_cluster(x, false, false)["alarm_statistics"]);
                   }
                   return json{{"alarm_statistics", stats}, {"total", stats.size()}};
                 }});

  // ---------------------------------------------------------------- logs and audit
  ops.push_back({"log", "getLogEntries", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound, false));
                   SIM_TRY(asc, c.opt_bool("ascending", false));
                   SIM_TRY(sev, c.opt_string("severity", ""));
                   SIM_TRY(after, c.opt_string("created_after", ""));
                   SIM_TRY(before, c.opt_string("created_before", ""));
                   SIM_TRY(text, c.opt_string("message_text", ""));
                   int floor = sev->empty() ? 1 : severity_rank(*sev);
                   json all = json::array();
                   for (const auto& l : e.model()["log_entries"]) {
                     if (*cl && l["log_specifics"]["cluster_id"] != (**cl)["cluster_id"]) continue;
                     if (severity_rank(l.value("severity", "")) < floor) continue;
                     if (!after->empty() && l.value("created", "") < *after) continue;
                     if (!before->empty() && l.value("created", "") >= *before) continue;
                     if (!text->empty() &&
                         l["log_specifics"].value("message_text", "").find(*text) == std::string::npos)
                       continue;
                     all.push_back(l);
                   }
                   if (!*asc) std::reverse(all.begin(), all.end());
                   SIM_TRY(page, paginate(c, all));
                   json counts = {{"severity", json::object()},
                                  {"component", json::object()},
                                  {"hostname", json::object()},
                                  {"sender_binary", json::object()}};
                   for (const auto& l : *page) {
                     auto bump = [&](const char* k, const std::string& v) {
                       counts[k][v] = counts[k].value(v, 0) + 1;
                     };
                     bump("severity", l.value("severity", ""));
                     bump("component", l.value("component", ""));
                     bump("sender_binary", l["log_origins"].value("sender_binary", ""));
                   }
                   return json{{"log_entries", *page}, {"total", all.size()}, {"log_entry_counts", counts}};
                 }});
  ops.push_back({"log", "getLogEntry", false, false, [&e](Call& c) -> Outcome {
                   json idv = c.req.contains("log_id") ? c.req["log_id"] : c.req.value("message_id", json());
                   if (!idv.is_number_integer()) return fail("InvalidRequest", "Missing 'message_id' field.");
                   for (const auto& l : e.model()["log_entries"])
                     if (l["log_id"] == idv) return json{{"log_entry", l}};
                   return fail("ObjectNotFound", "Log entry " + idv.dump() + " was not found.");
                 }});
  ops.push_back({"log", "getLogStatistics", false, false, [&e](Call&) -> Outcome {
                   return json{{"log_statistics",
                                {{"class_name", "CmonLogStatistics"},
                                 {"entries_received", e.model()["log_entries"].size()},
                                 {"writer_thread_running", true}}}};
                 }});
  ops.push_back({"audit", "getEntries", false, false, [&e](Call& c) -> Outcome {
                   std::set<int64_t> ids;
                   if (c.req.contains("cluster_ids") && c.req["cluster_ids"].is_array())
                     for (const auto& v : c.req["cluster_ids"])
                       if (v.is_number_integer()) ids.insert(v.get<int64_t>());
                   SIM_TRY(cid, c.opt_int("cluster_id", -1));
                   if (*cid >= 0) ids.insert(*cid);
                   SIM_TRY(asc, c.opt_bool("ascending", false));
                   json all = json::array();
                   for (const auto& a : e.model()["audit"])
                     if (ids.empty() || ids.count(a.value("cluster_id", int64_t{0}))) all.push_back(a);
                   std::stable_sort(all.begin(), all.end(), [&](const json& a, const json& b) {
                     return *asc ? a["report_ts"] < b["report_ts"] : a["report_ts"] > b["report_ts"];
                   });
                   SIM_TRY(page, paginate(c, all));
                   return json{{"audit_entries", *page}, {"total", all.size()}};
                 }});

  // ---------------------------------------------------------------- maintenance
  ops.push_back({"maintenance", "addMaintenance", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(host, c.opt_string("hostname", ""));
                   json* cl = nullptr;
                   if (host->empty()) {
                     SIM_TRY(x, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
                     cl = *x;
                   }
                   SIM_TRY(initiate, c.string_field("initiate"));
                   SIM_TRY(deadline, c.string_field("deadline"));
                   SIM_TRY(reason, c.opt_string("reason", ""));
                   if (*deadline <= *initiate)
                     return fail("InvalidRequest", "The deadline must be after the start.");
                   json g = c.user && !(*c.user)["groups"].empty() ? (*c.user)["groups"][0] : json::object();
                   json p = {{"class_name", "CmonMaintenanceDate"},
                             {"UUID", Engine::random_uuid()},
                             {"initiate", *initiate},
                             {"deadline", *deadline},
                             {"reason", *reason},
                             {"username", c.user_name()},
                             {"groupname", g.value("group_name", "")},
                             {"userid", c.user_id()},
                             {"groupid", g.value("group_id", 0)}};
                   if (cl)
                     p["cluster_id"] = (*cl)["cluster_id"];
                   else
                     p["hostname"] = *host;
                   e.model()["maintenance"].push_back(p);
                   return json{{"UUID", p["UUID"]}};
                 }});
  ops.push_back({"maintenance", "removeMaintenance", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(uuid, c.string_field("UUID"));
                   auto& list = e.model()["maintenance"];
                   for (size_t i = 0; i < list.size(); ++i)
                     if (list[i]["UUID"] == *uuid) {
                       list.erase(i);
                       return json::object();
                     }
                   return fail("ObjectNotFound", "Maintenance period " + *uuid + " was not found.");
                 }});
  ops.push_back({"maintenance", "getMaintenance", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound, false));
                   std::string now = Engine::now_iso();
                   // Group the periods into records: one per cluster or host.
                   json records = json::array();
                   std::map<std::string, size_t> index;
                   for (const auto& m : e.model()["maintenance"]) {
                     if (*cl && m.value("cluster_id", int64_t{-1}) != (**cl)["cluster_id"]) continue;
                     if (m.value("deadline", "") < now) continue;
                     bool active = m.value("initiate", "") <= now;
                     json period = m;
                     period.erase("cluster_id");
                     period.erase("hostname");
                     period["is_active"] = active;
                     std::string key = m.contains("hostname") ? "h:" + m["hostname"].get<std::string>()
                                                              : "c:" + m["cluster_id"].dump();
                     if (!index.count(key)) {
                       json rec = {{"is_active", false}, {"maintenance_periods", json::array()}};
                       if (m.contains("hostname"))
                         rec["hostname"] = m["hostname"];
                       else {
                         json* x = e.find_cluster(m["cluster_id"]);
                         rec["cluster"] = {{"cluster_id", m["cluster_id"]},
                                           {"cluster_name", x ? (*x)["cluster_name"] : json("")}};
                       }
                       index[key] = records.size();
                       records.push_back(rec);
                     }
                     auto& rec = records[index[key]];
                     rec["maintenance_periods"].push_back(period);
                     if (active) rec["is_active"] = true;
                   }
                   return json{{"maintenance_records", records}, {"total", records.size()}};
                 }});
  auto current = [&e](bool next) {
    return [&e, next](Call& c) -> Outcome {
      SIM_TRY(host, c.opt_string("hostname", ""));
      json* cl = nullptr;
      if (host->empty()) {
        SIM_TRY(x, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
        cl = *x;
      }
      std::string now = Engine::now_iso();
      const json* best = nullptr;
      for (const auto& m : e.model()["maintenance"]) {
        if (!maint_matches(m, cl, *host)) continue;
        bool active = m.value("initiate", "") <= now && now < m.value("deadline", "");
        bool future = m.value("initiate", "") > now;
        if ((!next && active) || (next && future))
          if (!best || m.value("initiate", "") < best->value("initiate", "")) best = &m;
      }
      if (!best) return json{{"found_maintenance", false}, {"ui_string", ""}};
      json p = *best;
      p.erase("cluster_id");
      p.erase("hostname");
      std::string what = cl ? "Cluster " + (*cl)["cluster_id"].dump() : "Host " + *host;
      return json{{"found_maintenance", true},
                  {"ui_string", what + (next ? " has a maintenance scheduled: " : " is under maintenance: ") +
                                    best->value("reason", "")},
                  {"maintenance_period", p}};
    };
  };
  ops.push_back({"maintenance", "getCurrentMaintenance", false, false, current(false)});
  ops.push_back({"maintenance", "getNextMaintenance", false, false, current(true)});

  // ---------------------------------------------------------------- node configuration (/v2/config)
  auto node_files = [&e](Call& c) -> cmon_mcp::Expected<json*, Failure> {
    SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
    SIM_TRY(host, c.string_field("hostname"));
    SIM_TRY(port, c.opt_int("port", 0));
    json* h = e.find_host(**cl, *host, *port);
    if (!h)
      return fail("ObjectNotFound", "Host " + *host + (*port ? ":" + std::to_string(*port) : "") +
                                        " was not found in the cluster.");
    std::string key = *host + ":" + std::to_string((*h)["port"].get<int64_t>());
    auto& configs = (**cl)["_node_configs"];
    if (!configs.contains(key)) configs[key] = make_node_config(**cl, *h);
    return &configs[key];
  };
  ops.push_back({"config", "getConfig", false, false, [node_files](Call& c) -> Outcome {
                   SIM_TRY(conf, node_files(c));
                   return json{{"config", **conf}};
                 }});
  auto change = [node_files](bool unset) {
    return [node_files, unset](Call& c) -> Outcome {
      SIM_TRY(conf, node_files(c));
      SIM_TRY(items, c.array_field("configuration"));
      if (items->empty()) return fail("InvalidRequest", "The 'configuration' list is empty.");
      for (const auto& it : *items)
        if (!it.is_object() || !it.contains("name") || !it["name"].is_string() ||
            (!unset && !it.contains("value")))
          return fail("InvalidRequest", "Every 'configuration' item needs a 'name'" +
                                            std::string(unset ? "." : " and a 'value'."));
      json& file = (**conf)["files"][0];
      json messages = json::array();
      bool restart = false;
      static const std::set<std::string> dynamic = {"max_connections",
                                                    "long_query_time",
                                                    "slow_query_log",
                                                    "work_mem",
                                                    "log_min_duration_statement",
                                                    "maxmemory",
                                                    "maxmemory-policy",
                                                    "timeout",
                                                    "slowOpThresholdMs",
                                                    "wsrep_slave_threads",
                                                    "innodb_flush_log_at_trx_commit"};
      for (const auto& it : *items) {
        std::string name = it["name"], group = it.value("group", std::string());
        std::string value = it.contains("value") ? (it["value"].is_string() ? it["value"].get<std::string>()
                                                                            : it["value"].dump())
                                                 : "";
        auto& values = file["values"];
        bool found = false;
        for (size_t i = 0; i < values.size(); ++i) {
          if (values[i]["variablename"] != name || (!group.empty() && values[i]["section"] != group))
            continue;
          found = true;
          if (unset)
            values.erase(i);
          else
            values[i]["value"] = value;
          break;
        }
        if (!found && unset)
          return fail("ObjectNotFound",
                      "Option '" + name + "' is not set in " + file["filename"].get<std::string>() + ".");
        if (!found) {
          std::string section = group;
          if (section.empty() && !values.empty()) section = values[0].value("section", "");
          values.push_back({{"section", section}, {"variablename", name}, {"value", value}});
        }
        if (!dynamic.count(name)) restart = true;
        messages.push_back(unset ? "Removed '" + name + "'." : "Set '" + name + "' to '" + value + "'.");
      }
      render_config_content(file);
      if (restart) messages.push_back("A restart of the node is needed for the change to take effect.");
      return json{{"messages", messages}, {"restart_required", restart}};
    };
  };
  ops.push_back({"config", "setConfig", true, false, change(false)});
  ops.push_back({"config", "unsetConfig", true, false, change(true)});
  ops.push_back({"config", "listTemplates", false, false, [](Call&) -> Outcome {
                   json t = json::array(
                       {"my.cnf.galera", "my.cnf.repl80", "postgresql.conf", "mongod.conf", "redis.conf"});
                   return json{{"templates", t}, {"total", t.size()}};
                 }});
  ops.push_back({"config", "getLicense", false, false, [&e](Call&) -> Outcome {
                   return json{{"license", e.model()["license"]}};
                 }});
  ops.push_back({"config", "setLicense", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(data, c.string_field("licensedata"));
                   if (data->empty()) return fail("InvalidRequest", "The licence data is empty.");
                   e.model()["license"]["licensedata"] = *data;
                   return json{{"license", e.model()["license"]}};
                 }});
  ops.push_back({"config", "getLdapConfig", false, false, [&e](Call&) -> Outcome {
                   return json{{"ldap_configuration", e.model()["ldap"]}, {"effective_privileges", "rwx"}};
                 }});
  ops.push_back({"config", "setLdapConfig", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(conf, c.object_field("ldap_configuration"));
                   e.model()["ldap"].update(*conf);
                   return json::object();
                 }});

  // ---------------------------------------------------------------- reports
  ops.push_back({"reports", "getReportTemplates", false, false, [](Call&) -> Outcome {
                   json t = json::array();
                   for (auto [type, title] : std::vector<std::pair<const char*, const char*>>{
                            {"default", "Default System Report"},
                            {"standard", "Standard System Report"},
                            {"availability", "Database Availability Report"},
                            {"backup", "Backup Report"},
                            {"upgrade", "Upgrade Report"},
                            {"testreport", "Simple Test Report"}})
                     t.push_back({{"class_name", "CmonReport"}, {"report_type", type}, {"title", title}});
                   return json{{"reports", t}, {"total", t.size()}};
                 }});
  ops.push_back({"reports", "generateReport", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
                   SIM_TRY(r, c.object_field("report"));
                   std::string type = r->value("report_type", std::string("default"));
                   static const std::set<std::string> types = {"default", "standard", "availability",
                                                               "backup",  "upgrade",  "testreport"};
                   if (!types.count(type))
                     return fail("InvalidRequest", "Unknown report type '" + type + "'.");
                   int64_t id = e.next_id("report");
                   json cluster = e.public_cluster(**cl, true, false);
                   std::string content =
                       "Report '" + type + "' for cluster " + cluster["cluster_name"].get<std::string>() +
                       "\n\n  State: " + cluster["state"].get<std::string>() +
                       "\n  Status: " + cluster["status_text"].get<std::string>() + "\n  Nodes:\n";
                   for (const auto& h : cluster["hosts"])
                     content += "    " + h["hostname"].get<std::string>() + ":" + h["port"].dump() + "  " +
                                h["hoststatus"].get<std::string>() + "\n";
                   json rep = {{"class_name", "CmonReport"},
                               {"report_id", id},
                               {"cluster_id", (**cl)["cluster_id"]},
                               {"report_type", type},
                               {"title", type + " report"},
                               {"created", Engine::now_iso()},
                               {"owner", c.user_name()},
                               {"days", r->value("days", 7)},
                               {"recipients", r->value("recipients", std::string())},
                               {"path", "/var/lib/cmon/reports/report-" + std::to_string(id) + ".txt"},
                               {"content", content}};
                   e.model()["reports"].push_back(rep);
                   return json{{"report", rep}};
                 }});
  ops.push_back({"reports", "getReports", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound, false));
                   json all = json::array();
                   for (const auto& r : e.model()["reports"])
                     if (!*cl || r["cluster_id"] == (**cl)["cluster_id"]) {
                       json x = r;
                       x.erase("content");
                       all.push_back(x);
                     }
                   SIM_TRY(page, paginate(c, all));
                   return json{{"reports", *page}, {"total", all.size()}};
                 }});
  auto find_report = [&e](Call& c) -> cmon_mcp::Expected<size_t, Failure> {
    SIM_TRY(r, c.object_field("report"));
    json idv = r->value("report_id", json());
    if (!idv.is_number_integer()) return fail("InvalidRequest", "Missing 'report.report_id' field.");
    auto& list = e.model()["reports"];
    for (size_t i = 0; i < list.size(); ++i)
      if (list[i]["report_id"] == idv) return i;
    return fail("UnknownError", "Report with id " + idv.dump() + " was not found.");
  };
  ops.push_back({"reports", "getReport", false, false, [&e, find_report](Call& c) -> Outcome {
                   SIM_TRY(i, find_report(c));
                   return json{{"report", e.model()["reports"][*i]}};
                 }});
  ops.push_back({"reports", "deleteReport", true, false, [&e, find_report](Call& c) -> Outcome {
                   SIM_TRY(i, find_report(c));
                   e.model()["reports"].erase(*i);
                   return json::object();
                 }});

  // ---------------------------------------------------------------- discovery and versions
  ops.push_back({"discovery", "getSupportedClusterTypes", false, false,
                 [](Call&) -> Outcome { return supported_types(); }});
  ops.push_back({"discovery", "checkClusterName", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(name, c.string_field("new_cluster_name"));
                   bool taken = e.find_cluster_by_name(*name) != nullptr;
                   return json{{"cluster_name_available", !taken}, {"exists", taken}};
                 }});
  ops.push_back(
      {"discovery", "checkHosts", false, false, [&e](Call& c) -> Outcome {
         SIM_TRY(nodes, c.array_field("nodes"));
         SIM_TRY(check_reg, c.opt_bool("check_if_already_registered", true));
         json out = json::array();
         for (const auto& n : *nodes) {
           std::string host = n.is_string()   ? n.get<std::string>()
                              : n.is_object() ? n.value("hostname", "")
                                              : "";
           if (host.empty()) return fail("InvalidRequest", "Every item of 'nodes' needs a 'hostname'.");
           std::string owner;
           for (auto& cl : e.model()["clusters"])
             if (e.find_host(cl, host, 0)) owner = cl["cluster_name"];
           bool reachable =
               host.rfind("10.", 0) == 0 || host == "localhost" || host.rfind("192.168.", 0) == 0;
           json r = {{"hostname", host}, {"port", n.is_object() ? n.value("port", json(22)) : json(22)}};
           if (*check_reg && !owner.empty())
             r.update({{"error_code", "HostAlreadyRegistered"},
                       {"message", "Host is already in cluster '" + owner + "'."}});
           else if (!reachable)
             r.update({{"error_code", "HostIsUnreachable"},
                       {"message", "SSH connection failed: no route to host."}});
           else
             r.update({{"error_code", "HostIsOk"}, {"message", "SSH and sudo work."}, {"has_sudo", true}});
           out.push_back(r);
         }
         return json{{"checked_hosts", out}, {"total", out.size()}};
       }});
  ops.push_back({"dbversions", "getDbVersions", false, false, [](Call& c) -> Outcome {
                   SIM_TRY(type, c.opt_string("cluster_type", ""));
                   SIM_TRY(vendor, c.opt_string("vendor", ""));
                   json props = supported_types()["cluster_type_properties"];
                   std::set<std::string> versions;
                   for (auto it = props.begin(); it != props.end(); ++it) {
                     if (!type->empty() && it.key() != *type && it.value()["type_name"] != *type) continue;
                     for (const auto& v : it.value()["vendors"])
                       if (vendor->empty() || v["name"] == *vendor)
                         for (const auto& ver : v["versions"]) versions.insert(ver.get<std::string>());
                   }
                   json list = json::array();
                   for (const auto& v : versions) list.push_back(v);
                   return json{{"db_versions", list}, {"total", list.size()}};
                 }});
  ops.push_back({"dbversions", "getClusterTypes", false, false, [](Call&) -> Outcome {
                   return json{{"cluster_types", supported_types()["cluster_type_names"]}};
                 }});
  ops.push_back({"dbversions", "getVendors", false, false, [](Call&) -> Outcome {
                   std::set<std::string> v;
                   json props = supported_types()["cluster_type_properties"];
                   for (auto it = props.begin(); it != props.end(); ++it)
                     for (const auto& x : it.value()["vendors"]) v.insert(x["name"].get<std::string>());
                   return json{{"vendors", json(v)}};
                 }});

  // ---------------------------------------------------------------- tree tags, controller
  auto tag_op = [&e](bool add) {
    return [&e, add](Call& c) -> Outcome {
      SIM_TRY(path, c.string_field("path"));
      SIM_TRY(tag, c.string_field("tag"));
      if (tag->empty()) return fail("InvalidRequest", "The 'tag' field is empty.");
      std::string name = path->size() > 1 && (*path)[0] == '/' ? path->substr(1) : *path;
      json* target = e.find_cluster_by_name(name);
      if (!target) target = e.find_user(name);
      if (!target) return fail("ObjectNotFound", "Object '" + *path + "' was not found.");
      auto& tags = (*target)["tags"];
      if (!tags.is_array()) tags = json::array();
      auto it = std::find(tags.begin(), tags.end(), *tag);
      if (add && it == tags.end()) tags.push_back(*tag);
      if (!add && it != tags.end()) tags.erase(it);
      return json{{"tags", tags}, {"object_name", name}, {"object_path", "/"}};
    };
  };
  ops.push_back({"tree", "appendTag", true, false, tag_op(true)});
  ops.push_back({"tree", "removeTag", true, false, tag_op(false)});
  ops.push_back({"tree", "getAcl", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(path, c.string_field("path"));
                   static const std::set<std::string> dirs = {"/", "/home", "/groups", "/.runtime"};
                   std::string name = path->size() > 1 ? path->substr(path->rfind('/') + 1) : "";
                   bool known = dirs.count(*path) || e.find_cluster_by_name(name) || e.find_user(name);
                   if (!known) return fail("ObjectNotFound", "Object '" + *path + "' was not found.");
                   std::string parent = path->substr(0, path->rfind('/'));
                   return json{{"acl", "user::rwx,group::rwx,other::---"},
                               {"owner_user_name", "admin"},
                               {"owner_group_name", "admins"},
                               {"object_name", name},
                               {"object_path", parent.empty() ? "/" : parent}};
                 }});
  ops.push_back({"controller", "ping", false, false, [&e](Call&) -> Outcome {
                   return json{{"package_name", "cmon"},
                               {"package_version", e.model().value("package_version", "1.8.2")},
                               {"controllers", json::array()}};
                 }});
  ops.push_back({"host", "getControllers", false, false, [&e](Call&) -> Outcome {
                   json ctl = {{"class_name", "CmonController"},
                               {"hostname", "127.0.0.1"},
                               {"port", 9501},
                               {"role", "leader"},
                               {"controller_id", e.controller_id()},
                               {"status", "up"}};
                   return json{{"controllers", json::array({ctl})}, {"total", 1}};
                 }});
}

}  // namespace cmon_sim
