// /v2/clusters: cluster info, ping, controller settings, DB accounts and databases.
#include <algorithm>

#include "cmon_sim/engine.hpp"
#include "cmon_sim/model_builder.hpp"

namespace cmon_sim {
namespace {

bool has_tag(const json& cluster, const std::string& tag) {
  for (const auto& t : cluster.value("tags", json::array()))
    if (t == tag) return true;
  return false;
}

// Tag filters at the envelope level (s9s sends arrays; cmon-proxy sends with_tags as a boolean).
bool tags_match(const json& req, const json& cluster) {
  if (req.contains("with_tags") && req["with_tags"].is_array())
    for (const auto& t : req["with_tags"])
      if (t.is_string() && !has_tag(cluster, t)) return false;
  if (req.contains("without_tags") && req["without_tags"].is_array())
    for (const auto& t : req["without_tags"])
      if (t.is_string() && has_tag(cluster, t)) return false;
  return true;
}

// "db.*:SELECT,INSERT;other:SELECT" -> map object -> privileges, the account grants language (§8.2).
std::vector<std::pair<std::string, std::vector<std::string>>> parse_grants(const std::string& expr) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  size_t pos = 0;
  while (pos <= expr.size()) {
    size_t end = expr.find(';', pos);
    if (end == std::string::npos) end = expr.size();
    std::string spec = expr.substr(pos, end - pos);
    pos = end + 1;
    if (spec.find_first_not_of(' ') == std::string::npos) {
      if (end == expr.size()) break;
      continue;
    }
    std::string objects = "*.*", privs = spec;
    size_t colon = spec.find(':');
    if (colon != std::string::npos) {
      objects = spec.substr(0, colon);
      privs = spec.substr(colon + 1);
    }
    std::vector<std::string> plist;
    size_t p = 0;
    while (p <= privs.size()) {
      size_t e = privs.find(',', p);
      if (e == std::string::npos) e = privs.size();
      std::string pr = privs.substr(p, e - p);
      while (!pr.empty() && pr.front() == ' ') pr.erase(0, 1);
      while (!pr.empty() && pr.back() == ' ') pr.pop_back();
      if (!pr.empty()) plist.push_back(pr);
      p = e + 1;
    }
    size_t o = 0;
    while (o <= objects.size()) {
      size_t e = objects.find(',', o);
      if (e == std::string::npos) e = objects.size();
      std::string obj = objects.substr(o, e - o);
      if (obj == "*") obj = "*.*";
      if (!obj.empty() && obj.find('.') == std::string::npos && obj != "*.*") obj += ".*";
      if (!obj.empty()) out.push_back({obj, plist});
      o = e + 1;
    }
    if (end == expr.size()) break;
  }
  return out;
}

std::string render_grants(const std::vector<std::pair<std::string, std::vector<std::string>>>& g) {
  std::string out;
  for (const auto& [obj, privs] : g) {
    if (privs.empty()) continue;
    if (!out.empty()) out += ";";
    out += obj + ":";
    for (size_t i = 0; i < privs.size(); ++i) out += (i ? "," : "") + privs[i];
  }
  return out;
}

json* find_account(json& cluster, const std::string& name, const std::string& host) {
  for (auto& a : cluster["_accounts"])
    if (a.value("user_name", "") == name && (host.empty() || a.value("host_allow", "") == host)) return &a;
  return nullptr;
}

}  // namespace

void register_cluster_operations(Engine& e, std::vector<OperationSpec>& ops) {
  ops.push_back({"clusters", "getAllClusterInfo", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(hosts, c.opt_bool("with_hosts", false));
                   SIM_TRY(dbs, c.opt_bool("with_databases", false));
                   json list = json::array();
                   for (const auto& cl : e.model()["clusters"])
                     if (tags_match(c.req, cl)) list.push_back(e.public_cluster(cl, *hosts, *dbs));
                   json out = {{"total", list.size()}};
                   // An empty controller omits the list (§4.1, §17.1).
                   if (!list.empty()) out["clusters"] = list;
                   return out;
                 }});
  ops.back().cacheable = true;

  ops.push_back({"clusters", "getClusterInfo", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(hosts, c.opt_bool("with_hosts", false));
                   SIM_TRY(dbs, c.opt_bool("with_databases", false));
                   auto style = c.req.contains("cluster_name") ? NotFoundStyle::ObjectNotFound
                                                               : NotFoundStyle::InvalidRequest;
                   SIM_TRY(cl, e.resolve_cluster(c, style));
                   return json{{"cluster", e.public_cluster(**cl, *hosts, *dbs)}};
                 }});
  ops.back().cacheable = true;

  ops.push_back({"clusters", "ping", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(id, c.opt_int("cluster_id", 0));
                   if (c.req.contains("cluster_name")) {
                     SIM_TRY(name, c.string_field("cluster_name"));
                     if (!e.find_cluster_by_name(*name))
                       return fail("InvalidRequest", "Configuration " + *name + " was not found.");
                   } else if (*id != 0 && !e.find_cluster(*id)) {
                     return fail("InvalidRequest",
                                 "Configuration " + std::to_string(*id) + " was not found.");
                   }
                   return json{{"authenticated", true},
                               {"package_name", "cmon"},
                               {"package_version", e.model().value("package_version", "1.8.2")},
                               {"package_bugreport", "support@severalnines.com"},
                               {"rpc_version", "2.0"}};
                 }});

  ops.push_back({"clusters", "getConfig", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(id, c.opt_int("cluster_id", -1));
                   if (*id == 0 && !(c.user && e.user_is_superuser(*c.user)))
                     return fail("InvalidRequest",
                                 "Read access to configuration 0 for user '" + c.user_name() + "'is denied.");
                   if (*id == 0) {
                     json values = json::array(
                         {{{"name", "controller_id"},
                           {"current_value", e.controller_id()},
                           {"default_value", nullptr},
                           {"description", "An arbitrary identifier string of this controller instance."},
                           {"keys", json::array({"controller_id"})},
                           {"sql_keys", json::array({"CONTROLLER_ID"})}}});
                     return json{{"configuration", {{"values", values}}}};
                   }
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::InvalidRequest));
                   return json{{"configuration", {{"values", (**cl)["_settings"]}}}};
                 }});

  ops.push_back(
      {"clusters", "setConfig", true, false, [&e](Call& c) -> Outcome {
         SIM_TRY(id, c.int_field("cluster_id"));
         json* cl = e.find_cluster(*id);
         if (!cl) return fail("InvalidRequest", "Configuration " + std::to_string(*id) + " was not found.");
         SIM_TRY(conf, c.array_field("configuration"));
         // Validate everything first: a bad entry changes nothing.
         for (const auto& item : *conf) {
           if (!item.is_object() || !item.contains("name") || !item["name"].is_string() ||
               !item.contains("value"))
             return fail("InvalidRequest", "Every 'configuration' item needs a 'name' and a 'value'.");
           bool known = false;
           for (const auto& s : (*cl)["_settings"])
             if (s["name"] == item["name"]) known = true;
           if (!known)
             return fail("InvalidRequest",
                         "Unknown configuration option '" + item["name"].get<std::string>() + "'.");
           if (item["name"] == "cluster_id" || item["name"] == "cluster_type" ||
               item["name"] == "config_file_path")
             return fail("InvalidRequest",
                         "The configuration option '" + item["name"].get<std::string>() + "' is read-only.");
         }
         for (const auto& item : *conf) {
           std::string v =
               item["value"].is_string() ? item["value"].get<std::string>() : item["value"].dump();
           for (auto& s : (*cl)["_settings"])
             if (s["name"] == item["name"]) s["current_value"] = v;
           if (item["name"] == "enable_cluster_autorecovery")
             (*cl)["cluster_auto_recovery"] = v == "true" || v == "1";
           if (item["name"] == "enable_node_autorecovery")
             (*cl)["node_auto_recovery"] = v == "true" || v == "1";
           if (item["name"] == "cluster_name") (*cl)["cluster_name"] = v;
         }
         e.add_audit(*id, "ConfigChange", "Cluster configuration changed by '" + c.user_name() + "'.");
         return json::object();
       }});

  ops.push_back({"clusters", "getAccounts", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::InvalidRequest));
                   json all = json::array();
                   for (const auto& a : (**cl)["_accounts"]) all.push_back(a);
                   SIM_TRY(page, paginate(c, all));
                   return json{{"accounts", *page}, {"total", all.size()}};
                 }});

  ops.push_back(
      {"clusters", "createAccount", true, false, [&e](Call& c) -> Outcome {
         SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::InvalidRequest));
         SIM_TRY(acc, c.object_field("account"));
         if (!acc->contains("user_name") || !(*acc)["user_name"].is_string() || (*acc)["user_name"] == "")
           return fail("InvalidRequest", "Missing 'account.user_name' field.");
         std::string name = (*acc)["user_name"];
         std::string host = acc->value("host_allow", "%");
         if (host.empty()) host = "%";
         if (find_account(**cl, name, host))
           return fail("InvalidRequest", "Account '" + name + "'@'" + host + "' already exists.");
         std::string grants = acc->contains("grants") && (*acc)["grants"].is_string()
                                  ? (*acc)["grants"].get<std::string>()
                                  : "";
         json messages = json::array({"Account '" + name + "' created."});
         // own_database: a boolean (a database named after the user) or a database name. (Reading it with
         // value<std::string> first threw on the boolean form.)
         std::string own;
         if (acc->contains("own_database") && (*acc)["own_database"].is_boolean())
           own = (*acc)["own_database"].get<bool>() ? name : "";
         else if (acc->contains("own_database") && (*acc)["own_database"].is_string())
           own = (*acc)["own_database"].get<std::string>();
         if (!own.empty()) {
           bool exists = false;
           for (const auto& d : (**cl)["databases"])
             if (d["database_name"] == own) exists = true;
           if (!exists) {
             int64_t cid = (**cl)["cluster_id"];
             (**cl)["databases"].push_back(
                 {{"class_name", "CmonDataBase"},
                  {"database_name", own},
                  {"cluster_id", cid},
                  {"database_id", cid * 100 + static_cast<int64_t>((**cl)["databases"].size()) + 1},
                  {"database_size", 0},
                  {"number_of_tables", 0},
                  {"number_of_rows", 0}});
             messages.push_back("Database '" + own + "' created.");
           }
           grants += std::string(grants.empty() ? "" : ";") + own + ".*:ALL PRIVILEGES";
         }
         auto parsed = parse_grants(grants);
         json account = {{"class_name", "CmonAccount"},
                         {"user_name", name},
                         {"host_allow", host},
                         {"grants", render_grants(parsed)},
                         {"own_database", own},
                         {"password_expired", false},
                         {"system_user", false},
                         {"max_connections", 0},
                         {"max_user_connections", 0},
                         {"max_questions", 0},
                         {"max_updates", 0},
                         {"connections", 0},
                         {"private", acc->value("private", false)}};
         (**cl)["_accounts"].push_back(account);
         if (!grants.empty())
           messages.push_back("GRANT " + render_grants(parsed) + " TO '" + name + "'@'" + host + "'");
         e.add_audit((**cl)["cluster_id"], "AccountChange", "Account '" + name + "' created.");
         return json{{"account", account}, {"messages", messages}};
       }});

  ops.push_back({"clusters", "deleteAccount", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::InvalidRequest));
                   SIM_TRY(acc, c.object_field("account"));
                   std::string name = acc->value("user_name", "");
                   if (name.empty()) return fail("InvalidRequest", "Missing 'account.user_name' field.");
                   std::string host = acc->value("host_allow", "");
                   auto& list = (**cl)["_accounts"];
                   for (size_t i = 0; i < list.size(); ++i)
                     if (list[i]["user_name"] == name && (host.empty() || list[i]["host_allow"] == host)) {
                       list.erase(i);
                       e.add_audit((**cl)["cluster_id"], "AccountChange", "Account '" + name + "' deleted.");
                       return json{{"messages", json::array({"Account '" + name + "' deleted."})}};
                     }
                   return fail("ObjectNotFound", "Account '" + name + "' was not found.");
                 }});

  auto privilege_op = [&e](bool grant, bool all) {
    return [&e, grant, all](Call& c) -> Outcome {
      SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::InvalidRequest));
      SIM_TRY(acc, c.object_field("account"));
      std::string name = acc->value("user_name", "");
      if (name.empty()) return fail("InvalidRequest", "Missing 'account.user_name' field.");
      json* a = find_account(**cl, name, acc->value("host_allow", ""));
      if (!a) return fail("ObjectNotFound", "Account '" + name + "' was not found.");
      auto current = parse_grants(a->value("grants", ""));
      if (all) {
        current.clear();
      } else {
        SIM_TRY(expr, c.string_field("privileges"));
        auto change = parse_grants(*expr);
        if (change.empty()) return fail("InvalidRequest", "The 'privileges' field is empty.");
        for (const auto& [obj, privs] : change) {
          // An init-capture: clang 14 cannot capture a structured binding itself.
          auto it = std::find_if(current.begin(), current.end(),
                                 [&o = obj](const auto& p) { return p.first == o; });
          if (grant) {
            if (it == current.end()) current.push_back({obj, {}}), it = current.end() - 1;
            for (const auto& p : privs)
              if (std::find(it->second.begin(), it->second.end(), p) == it->second.end())
                it->second.push_back(p);
          } else if (it != current.end()) {
            for (const auto& p : privs)
              it->second.erase(std::remove(it->second.begin(), it->second.end(), p), it->second.end());
          }
        }
      }
      (*a)["grants"] = render_grants(current);
      e.add_audit((**cl)["cluster_id"], "AccountChange", "Privileges of '" + name + "' changed.");
      return json{{"account", *a}};
    };
  };
  ops.push_back({"clusters", "grantPrivileges", true, false, privilege_op(true, false)});
  ops.push_back({"clusters", "revokePrivileges", true, false, privilege_op(false, false)});
  ops.push_back({"clusters", "revokeAllPrivileges", true, false, privilege_op(false, true)});

  ops.push_back(
      {"clusters", "createDatabase", true, false, [&e](Call& c) -> Outcome {
         SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::InvalidRequest));
         SIM_TRY(db, c.object_field("database"));
         std::string name = db->value("database_name", "");
         if (name.empty()) return fail("InvalidRequest", "Missing 'database.database_name' field.");
         if (family_of(**cl) == "redis")
           return fail("InvalidRequest", "Databases can not be created on a " +
                                             (**cl)["cluster_type"].get<std::string>() + " cluster.");
         for (const auto& d : (**cl)["databases"])
           if (d["database_name"] == name)
             return fail("InvalidRequest", "Database '" + name + "' already exists.");
         int64_t cid = (**cl)["cluster_id"];
         json rec = {{"class_name", "CmonDataBase"},
                     {"database_name", name},
                     {"cluster_id", cid},
                     {"database_id", e.next_id("database") + cid * 1000},
                     {"database_size", 0},
                     {"number_of_tables", 0},
                     {"number_of_rows", 0},
                     {"database_owner", db->value("database_owner", "")}};
         (**cl)["databases"].push_back(rec);
         e.add_audit(cid, "DatabaseChange", "Database '" + name + "' created.");
         return json{{"database", rec}, {"messages", json::array({"Database '" + name + "' created."})}};
       }});

  ops.push_back({"clusters", "getTopQueries", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::InvalidRequest));
                   if (family_of(**cl) == "redis")
                     return fail("InvalidRequest", "Query monitoring is not available for " +
                                                       (**cl)["cluster_type"].get<std::string>() +
                                                       " clusters.");
                   json all = json::array();
                   std::vector<std::string> filters;
                   for (const char* k : {"filterStrings", "filter_strings"})
                     if (c.req.contains(k) && c.req[k].is_array())
                       for (const auto& f : c.req[k])
                         if (f.is_string()) filters.push_back(f);
                   for (const auto& d : (**cl)["_top_queries"]) {
                     bool ok = true;
                     for (const auto& f : filters)
                       if (d.value("statementPattern", "").find(f) == std::string::npos) ok = false;
                     if (ok) all.push_back(d);
                   }
                   std::stable_sort(all.begin(), all.end(), [](const json& a, const json& b) {
                     return a.value("waitMillisSum", 0.0) > b.value("waitMillisSum", 0.0);
                   });
                   SIM_TRY(page, paginate(c, all));
                   return json{{"digests", *page}, {"total", all.size()}};
                 }});

  ops.push_back({"clusters", "getSqlProcesses", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::InvalidRequest));
                   json all = (**cl)["_sql_processes"];
                   SIM_TRY(page, paginate(c, all));
                   return json{{"processes", *page}, {"total", all.size()}};
                 }});
}

}  // namespace cmon_sim
