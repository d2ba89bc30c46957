// Configuration tools (catalogue B.12), state-changing side: set_node_config (database variables in a
// node's configuration file, /v2/config setConfig, API §14.1) and set_cluster_settings (ClusterControl's
// own per-cluster settings, /v2/clusters setConfig, API §14.2). Both are planners run by the safety
// pipeline (action.cpp): they read the current configuration first, refuse names that do not exist
// (listing close matches), and describe the setConfig requests they would send.
#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

// ---------------------------------------------------------------------------------------------------
// Small helpers.

// A value argument (string or number) as the text written into a configuration file.
std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

// The default output schema of an action tool plus `extra` properties (all optional).
json action_output(json extra) {
  json props{{"tool", o_str()},   {"status", o_str()},  {"summary", o_str()}, {"cluster_id", o_int()},
             {"job_id", o_int()}, {"command", o_str()}, {"dry_run", o_bool()}};
  for (auto& [k, v] : extra.items()) props[k] = v;
  return o_obj(std::move(props), {"status", "summary"});
}

json strings_of(const json& list) {
  json out = json::array();
  for (const auto& m : list) {
    if (m.is_string())
      out.push_back(strip_html(m.get<std::string>()));
    else if (m.is_object())
      out.push_back(strip_html(get_string(m, "message", get_string(m, "text", m.dump()))));
  }
  return out;
}

// Names whose values are credentials (requirepass, masterauth, wsrep_sst_auth, *_password, ...): their
// values are redacted in dry runs and answers.
bool secret_name(std::string_view name) {
  const std::string n = lower(name);
  auto ends_with = [&](std::string_view suffix) {
    return n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return n.find("pass") != std::string::npos || n.find("secret") != std::string::npos ||
         n.find("token") != std::string::npos || ends_with("auth") || ends_with("_key") ||
         ends_with("-key") || n.find("credential") != std::string::npos;
}

// ---------------------------------------------------------------------------------------------------
// set_node_config

// Node types that are not database servers: `all_nodes` leaves them out (their configuration files
// hold other settings).
bool helper_node(const json& host) {
  static const std::set<std::string> helpers = {"controller", "haproxy",        "proxysql", "maxscale",
                                                "keepalived", "pgbouncer",      "garbd",    "prometheus",
                                                "cmonagent",  "redis-sentinel", "sentinel", "pbmagent",
                                                "pgbackrest", "nfsserver",      "nfsclient"};
  return helpers.count(lower(get_string(host, "nodetype"))) > 0;
}

bool mysql_like(const Cluster& c) {
  return c.family == Family::mysql || c.family == Family::galera;
}

// Variable names are compared without case; MySQL also treats '-' and '_' alike.
std::string norm_name(const Cluster& c, std::string_view name) {
  std::string s = c.family == Family::mongo ? std::string(name) : lower(name);
  if (mysql_like(c)) std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

// "8.0.36-28" -> {8, 0, 36}; missing parts are 0; nullopt without a leading number.
std::optional<std::array<int, 3>> parse_version(std::string_view v) {
  std::array<int, 3> out{0, 0, 0};
  size_t i = 0, part = 0;
  if (v.empty() || !std::isdigit(static_cast<unsigned char>(v[0]))) return std::nullopt;
  while (i < v.size() && part < 3) {
    int n = 0;
    bool digits = false;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
      n = n * 10 + (v[i] - '0');
      digits = true;
      ++i;
      if (n > 100000) break;
    }
    if (!digits) break;
    out[part++] = n;
    if (i < v.size() && v[i] == '.')
      ++i;
    else
      break;
  }
  return out;
}

// Why a change of `name` most likely takes effect only after a restart of the node, "" when it does
// not as far as we know. CMON does not document which variables need a restart (API §14.1, unverified),
// so this is a short list of variables the products themselves read only at start-up; it is not
// exhaustive.
std::string static_variable_reason(const Cluster& c, const json& host, const std::string& name) {
  const std::string n = norm_name(c, name);
  if (mysql_like(c)) {
    if (n == "innodb_buffer_pool_size") {
      std::string v = get_string(host, "version");
      if (v.empty()) v = c.version;
      auto ver = parse_version(v);
      bool mariadb = icontains(c.vendor, "mariadb") || icontains(v, "mariadb");
      std::array<int, 3> online = mariadb ? std::array<int, 3>{10, 2, 2} : std::array<int, 3>{5, 7, 5};
      if (ver && *ver < online)
        return "innodb_buffer_pool_size can be resized online only from " +
               std::string(mariadb ? "MariaDB 10.2.2" : "MySQL 5.7.5") + "; this node runs " + v;
      return "";
    }
    static const std::set<std::string> startup = {"innodb_log_file_size",
                                                  "innodb_log_files_in_group",
                                                  "innodb_buffer_pool_instances",
                                                  "innodb_data_file_path",
                                                  "innodb_page_size",
                                                  "innodb_flush_method",
                                                  "innodb_read_io_threads",
                                                  "innodb_write_io_threads",
                                                  "lower_case_table_names",
                                                  "performance_schema",
                                                  "log_bin",
                                                  "port",
                                                  "bind_address",
                                                  "datadir",
                                                  "socket",
                                                  "skip_name_resolve",
                                                  "thread_handling",
                                                  "open_files_limit",
                                                  "wsrep_provider",
                                                  "wsrep_provider_options",
                                                  "server_id_bits",
                                                  "innodb_log_group_home_dir"};
    if (startup.count(n)) return n + " is read by the MySQL/MariaDB server only at start-up";
    return "";
  }
  if (c.family == Family::postgres) {
    static const std::set<std::string> postmaster = {"shared_buffers",
                                                     "max_connections",
                                                     "port",
                                                     "listen_addresses",
                                                     "wal_level",
                                                     "max_wal_senders",
                                                     "max_replication_slots",
                                                     "shared_preload_libraries",
                                                     "hot_standby",
                                                     "max_worker_processes",
                                                     "huge_pages",
                                                     "archive_mode",
                                                     "max_prepared_transactions",
                                                     "max_locks_per_transaction",
                                                     "wal_buffers",
                                                     "track_commit_timestamp",
                                                     "superuser_reserved_connections",
                                                     "wal_log_hints",
                                                     "unix_socket_directories",
                                                     "data_directory"};
    if (postmaster.count(n))
      return n + " is a PostgreSQL 'postmaster' parameter: it changes only when the server restarts";
    return "";
  }
  if (c.family == Family::mongo)
    return "mongod/mongos read their configuration file only at start-up (runtime changes would need "
           "setParameter, which this tool does not send)";
  if (c.family == Family::mssql) return "mssql.conf settings take effect when SQL Server restarts";
  if (c.family == Family::redis) {
    static const std::set<std::string> startup = {"port",       "bind",       "databases",       "daemonize",
                                                  "supervised", "unixsocket", "cluster-enabled", "io-threads",
                                                  "pidfile",    "logfile"};
    if (startup.count(n)) return n + " is read by Redis only at start-up";
    return "";
  }
  return "";
}

struct VarRequest {
  std::string name;
  std::string value;
  std::string section;  // "" when not given
};

// One value of a node's configuration files.
struct ConfValue {
  std::string file;
  std::string section;
  std::string name;
  std::string value;
};

std::vector<ConfValue> conf_values(const json& reply) {
  // s9s reads config.files[]; one printer reads files[] at the top level (§14.1): accept both.
  json files = get_list(get_object(reply, "config"), "files");
  if (files.empty()) files = get_list(reply, "files");
  std::vector<ConfValue> out;
  for (const auto& f : files) {
    std::string path = get_string(f, "path", get_string(f, "filename"));
    for (const auto& v : get_list(f, "values"))
      out.push_back(ConfValue{path, get_string(v, "section", get_string(v, "group")),
                              get_string(v, "variablename", get_string(v, "name")), get_string(v, "value")});
  }
  return out;
}

// What one node's request changes, for the answer.
struct NodeChange {
  std::string node;
  json host;
  json changes = json::array();  // {name, section, old_value, new_value, added}
  std::vector<std::string> static_reasons;
  std::vector<std::string> secrets;  // values to hide in CMON's messages
};

// `messages` with every occurrence of the `secrets` replaced by "***" (CMON echoes values it set).
json redact_values(json messages, const std::vector<std::string>& secrets) {
  for (auto& m : messages) {
    if (!m.is_string()) continue;
    std::string t = m.get<std::string>();
    for (const auto& secret : secrets) {
      if (secret.empty()) continue;
      for (size_t at = t.find(secret); at != std::string::npos; at = t.find(secret, at + 3))
        t.replace(at, secret.size(), "***");
    }
    m = t;
  }
  return messages;
}

// Resolves one requested variable against a node's values: the item for setConfig, or why not.
Expected<json, std::string> plan_variable(const Cluster& c, const json& host,
                                          const std::vector<ConfValue>& values, const VarRequest& req,
                                          bool add_missing, NodeChange& change) {
  const std::string label = host_label(host);
  std::string name = req.name;
  std::string section = req.section;
  auto matching = [&](const std::string& n, const std::string& sec, bool any_section) {
    std::vector<const ConfValue*> m;
    for (const auto& v : values)
      if (norm_name(c, v.name) == norm_name(c, n) && (any_section || iequals(v.section, sec)))
        m.push_back(&v);
    return m;
  };
  std::vector<const ConfValue*> found = matching(name, section, section.empty());
  // "storage.wiredTiger.engineConfig.cacheSizeGB" for the value wiredTiger... of section storage (YAML).
  if (found.empty() && section.empty()) {
    if (auto dot = name.find('.'); dot != std::string::npos && dot > 0) {
      auto split = matching(name.substr(dot + 1), name.substr(0, dot), false);
      if (!split.empty()) {
        found = split;
        section = split.front()->section;
        name = name.substr(dot + 1);
      }
    }
  }
  std::set<std::string> sections;
  for (const auto* v : found) sections.insert(v->section);
  if (sections.size() > 1) {
    std::vector<std::string> list;
    for (const auto& s : sections) list.push_back("'" + s + "'");
    return unexpected("'" + req.name + "' is set in several sections of " + label + "'s configuration (" +
                      join(list) + "): give section to say which one");
  }
  bool added = found.empty();
  std::string file_name = found.empty() ? std::string() : found.front()->name;
  if (added) {
    if (!add_missing) {
      std::vector<std::string> names;
      std::vector<std::string> elsewhere;
      for (const auto& v : values) {
        names.push_back(v.name);
        if (!section.empty() && norm_name(c, v.name) == norm_name(c, name))
          elsewhere.push_back("'" + v.section + "'");
      }
      std::string s = "'" + req.name + "' is not set" +
                      (section.empty() ? "" : " in section '" + section + "'") + " in the configuration of " +
                      label;
      if (!elsewhere.empty()) s += " (it is set in section " + join(elsewhere) + ")";
      auto close = close_matches(name, names);
      s += close.empty() ? "; get_node_config lists the variables that are set"
                         : "; close matches: " + join(close);
      s +=
          ". A misspelt option can stop the server from starting: check the name, and send add_missing: true "
          "only to add a new option on purpose";
      return unexpected(s);
    }
    bool sectioned =
        std::any_of(values.begin(), values.end(), [](const ConfValue& v) { return !v.section.empty(); });
    if (section.empty() && mysql_like(c)) section = "mysqld";
    if (section.empty() && sectioned)
      return unexpected(
          "'" + req.name + "' is new in the configuration of " + label +
          ", whose file has sections: give section (e.g. '" +
          std::find_if(values.begin(), values.end(), [](const ConfValue& v) { return !v.section.empty(); })
              ->section +
          "')");
    file_name = name;
  } else {
    section = found.front()->section;
  }
  json item = json::object();
  item["name"] = file_name;
  item["value"] = req.value;
  if (!section.empty()) item["group"] = section;
  const bool secret = secret_name(file_name);
  if (secret) change.secrets.push_back(req.value);
  json old_value = added ? json(nullptr) : json(secret ? std::string("***") : found.front()->value);
  change.changes.push_back(json{{"name", file_name},
                                {"section", section},
                                {"old_value", old_value},
                                {"new_value", secret ? std::string("***") : req.value},
                                {"added", added}});
  std::string why = static_variable_reason(c, host, file_name);
  if (!why.empty()) change.static_reasons.push_back(why);
  return item;
}

// Did CMON's reply say the node must be restarted? (restart_required / restart_needed, or a message
// mentioning a restart.)
bool reply_says_restart(const json& reply, const json& messages) {
  for (const char* key : {"restart_required", "restart_needed", "need_restart", "requires_restart"})
    if (reply.contains(key) && get_bool(reply, key)) return true;
  for (const auto& m : messages)
    if (m.is_string() && icontains(m.get<std::string>(), "restart") &&
        !icontains(m.get<std::string>(), "no restart") && !icontains(m.get<std::string>(), "not needed") &&
        !icontains(m.get<std::string>(), "without a restart"))
      return true;
  return false;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_set_node_config(ToolContext& ctx, const json& args) {
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  const bool all = args.value("all_nodes", false);
  const std::string node = args.value("node", std::string());
  auto node_list = [&] {
    std::vector<std::string> l;
    for (const auto& h : cluster_hosts(c->info))
      if (!helper_node(h)) l.push_back(host_label(h));
    return join(l);
  };
  if (all && !node.empty())
    co_return unexpected(ToolResult::error("give either node or all_nodes: true, not both"));
  if (!all && node.empty())
    co_return unexpected(ToolResult::error("give node (one of " + node_list() + " in " + cluster_label(*c) +
                                           ") or all_nodes: true to change every database node"));
  std::vector<json> targets;
  if (all) {
    for (const auto& h : cluster_hosts(c->info))
      if (!helper_node(h)) targets.push_back(h);
    if (targets.empty())
      co_return unexpected(ToolResult::error(cluster_label(*c) + " has no database nodes to configure"));
  } else {
    auto h = find_node(*c, node);
    if (!h) co_return unexpected(ToolResult::error(h.error()));
    if (iequals(get_string(*h, "nodetype"), "controller"))
      co_return unexpected(
          ToolResult::error(host_label(*h) +
                            " is the ClusterControl controller, not a database node; set_cluster_settings "
                            "changes the controller's settings for the cluster"));
    targets.push_back(std::move(*h));
  }

  std::vector<VarRequest> vars;
  std::set<std::string> seen;
  for (const auto& v : args.value("variables", json::array())) {
    if (!v.is_object()) continue;
    VarRequest r{get_string(v, "name"), value_text(v.value("value", json(""))), get_string(v, "section")};
    // "[mysqld]" is accepted for "mysqld".
    if (r.section.size() >= 2 && r.section.front() == '[' && r.section.back() == ']')
      r.section = r.section.substr(1, r.section.size() - 2);
    if (r.name.empty()) co_return unexpected(ToolResult::error("every item of variables needs a name"));
    std::string key = norm_name(*c, r.name) + "\n" + lower(r.section);
    if (!seen.insert(key).second)
      co_return unexpected(ToolResult::error("variable '" + r.name + "' is given twice; give each one once"));
    vars.push_back(std::move(r));
  }
  if (vars.empty())
    co_return unexpected(ToolResult::error(
        "give at least one variable, e.g. variables: [{\"name\": \"max_connections\", \"value\": \"500\"}]"));
  const bool add_missing = args.value("add_missing", false);

  ActionPlan plan;
  plan.cluster = *c;
  auto changes = std::make_shared<std::vector<NodeChange>>();
  std::vector<std::string> problems;
  for (const auto& host : targets) {
    json fields{
        {"cluster_id", c->id}, {"hostname", get_string(host, "hostname")}, {"port", get_int(host, "port")}};
    const std::string label = host_label(host);
    const std::string doing = "read the configuration of " + label;
    auto r = co_await call(ctx, "/v2/config", "getConfig", fields, doing);
    if (!r) co_return unexpected(std::move(r.error()));
    std::vector<ConfValue> values = conf_values(*r);
    if (values.empty()) {
      problems.push_back("the controller returned no configuration values for " + label);
      continue;
    }
    NodeChange change;
    change.node = label;
    change.host = host;
    json items = json::array();
    for (const auto& v : vars) {
      auto item = plan_variable(*c, host, values, v, add_missing, change);
      if (!item)
        problems.push_back(item.error());
      else
        items.push_back(std::move(*item));
    }
    if (items.size() != vars.size()) continue;
    std::vector<std::string> secrets;
    for (size_t i = 0; i < items.size(); ++i)
      if (secret_name(get_string(items[i], "name")))
        secrets.push_back("/configuration/" + std::to_string(i) + "/value");
    fields["configuration"] = std::move(items);
    plan.requests.push_back(CmonRequest{"/v2/config", "setConfig", std::move(fields), std::move(secrets)});
    changes->push_back(std::move(change));
  }
  if (!problems.empty())
    co_return unexpected(ToolResult::error("Nothing was changed: " + join(problems, "; ") + "."));

  std::vector<std::string> names;
  for (const auto& v : vars)
    names.push_back(v.name + "=" + (secret_name(v.name) ? std::string("***") : v.value));
  plan.summary = "Set " + join(names) + " in the configuration of " +
                 (all ? "every database node (" + std::to_string(targets.size()) + ")"
                      : "node " + host_label(targets.front())) +
                 " of " + cluster_label(*c);
  // What the dry run shows: old -> new per node, and the restarts already known to be needed (CMON's own
  // verdict comes only with its reply).
  {
    std::string effect;
    std::set<std::string> reasons;
    for (const auto& ch : *changes) {
      effect += (effect.empty() ? "" : "; ") + ch.node + ": ";
      bool first = true;
      for (const auto& x : ch.changes) {
        effect += (first ? "" : ", ") + x["name"].get<std::string>() + " " +
                  (x["added"].get<bool>() ? std::string("(new)") : x["old_value"].get<std::string>()) +
                  " -> " + x["new_value"].get<std::string>();
        first = false;
      }
      for (const auto& r : ch.static_reasons) reasons.insert(r);
    }
    effect = "Writes the configuration file(s): " + effect + ".";
    if (!reasons.empty())
      effect += " A restart will be needed for the change to take effect (" +
                join(std::vector<std::string>(reasons.begin(), reasons.end()), "; ") + ").";
    plan.effect = std::move(effect);
  }
  const Cluster cluster = *c;
  plan.on_done = [changes, cluster, all](const ActionPlan& p, const std::vector<json>& replies) {
    json nodes = json::array();
    bool any_restart = false;
    std::string text = "Done: " + p.summary + ".\n";
    std::vector<std::string> restart_nodes;
    for (size_t i = 0; i < changes->size() && i < replies.size(); ++i) {
      const NodeChange& ch = (*changes)[i];
      json messages = redact_values(strings_of(get_list(replies[i], "messages")), ch.secrets);
      bool cmon_restart = reply_says_restart(replies[i], messages);
      std::vector<std::string> reasons;
      if (cmon_restart) reasons.push_back("CMON reported that a restart is needed");
      for (const auto& r : ch.static_reasons) reasons.push_back(r);
      bool restart = !reasons.empty();
      any_restart = any_restart || restart;
      if (restart) restart_nodes.push_back(ch.node);
      text += ch.node + ":\n";
      for (const auto& x : ch.changes) {
        std::string sec = x["section"].get<std::string>();
        text += "  " + (sec.empty() ? "" : "[" + sec + "] ") + x["name"].get<std::string>() + ": " +
                (x["added"].get<bool>() ? "added, " : x["old_value"].get<std::string>() + " -> ") +
                x["new_value"].get<std::string>() + "\n";
      }
      for (const auto& m : messages) text += "  CMON: " + m.get<std::string>() + "\n";
      if (restart) text += "  Restart needed: " + join(reasons, "; ") + ".\n";
      nodes.push_back(json{{"node", ch.node},
                           {"changes", ch.changes},
                           {"messages", messages},
                           {"restart_needed", restart},
                           {"restart_reasons", reasons}});
    }
    std::string hint;
    if (any_restart) {
      std::string id = std::to_string(cluster.id);
      if (all && restart_nodes.size() > 1)
        hint =
            "The new values take effect after a restart: rolling_restart {\"cluster_id\": " + id +
            "} restarts the nodes one at a time so the cluster stays available (or restart_node per node).";
      else
        hint = "The new value takes effect after a restart of the node: restart_node {\"cluster_id\": " + id +
               ", \"node\": \"" + restart_nodes.front() + "\"}" +
               (restart_nodes.size() > 1 ? " (and the other nodes listed above)" : "") + ".";
    } else {
      hint =
          "No restart reported as needed: CMON did not say so and the variables are not in the list of "
          "settings known to be read only at start-up. The files are changed (get_node_config shows them); "
          "CMON does not report whether it also applied the values to the running server.";
    }
    text += hint + "\n";
    if (any_restart)
      text +=
          "(Which variables need a restart is not documented by CMON's API: this is based on CMON's reply "
          "and a short list of settings known to be read only at start-up.)\n";
    json out{{"tool", "set_node_config"},     {"status", "done"},
             {"summary", p.summary},          {"cluster_id", cluster.id},
             {"cluster_name", cluster.name},  {"nodes", nodes},
             {"restart_needed", any_restart}, {"restart_hint", hint}};
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// set_cluster_settings

bool is_int_text(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

bool is_number_text(const std::string& s) {
  if (is_int_text(s)) return true;
  size_t dot = s.find('.');
  if (dot == std::string::npos || s.find('.', dot + 1) != std::string::npos) return false;
  std::string digits = s.substr(0, dot) + s.substr(dot + 1);
  return !digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos;
}

bool is_bool_text(const std::string& s) {
  return iequals(s, "true") || iequals(s, "false");
}

awaitable<Expected<ActionPlan, ToolResult>> plan_set_cluster_settings(ToolContext& ctx, const json& args) {
  auto c = co_await resolve_cluster(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  json read_fields{{"cluster_id", c->id}};
  const std::string doing = "read the controller settings of " + cluster_label(*c);
  auto r = co_await call(ctx, "/v2/clusters", "getConfig", std::move(read_fields), doing);
  if (!r) co_return unexpected(std::move(r.error()));
  json values = get_list(get_object(*r, "configuration"), "values");
  if (values.empty()) values = get_list(*r, "values");
  std::vector<std::string> known;
  for (const auto& v : values) known.push_back(get_string(v, "name"));

  static const std::set<std::string> read_only = {"cluster_id", "cluster_type", "config_file_path"};
  json items = json::array();
  json changes = json::array();
  auto secret_values = std::make_shared<std::vector<std::string>>();
  std::vector<std::string> problems;
  std::set<std::string> seen;
  for (const auto& s : args.value("settings", json::array())) {
    if (!s.is_object()) continue;
    std::string name = get_string(s, "name");
    std::string value = value_text(s.value("value", json("")));
    const json* found = nullptr;
    for (const auto& v : values)
      if (iequals(get_string(v, "name"), name)) found = &v;
    if (!found) {
      auto close = close_matches(name, known);
      problems.push_back(
          "unknown setting '" + name + "'" +
          (close.empty() ? " (get_cluster_settings lists them all)" : "; close matches: " + join(close)));
      continue;
    }
    std::string canonical = get_string(*found, "name");
    if (!seen.insert(canonical).second) {
      problems.push_back("'" + canonical + "' is given twice");
      continue;
    }
    if (read_only.count(canonical) || icontains(get_string(*found, "description"), "read-only")) {
      problems.push_back("'" + canonical + "' is read-only");
      continue;
    }
    std::string current = get_string(*found, "current_value");
    std::string def = get_string(*found, "default_value");
    auto all_are = [&](bool (*pred)(const std::string&)) {
      return !current.empty() && pred(current) && (def.empty() || pred(def));
    };
    if (all_are(is_bool_text) && !is_bool_text(value)) {
      problems.push_back("'" + canonical + "' takes true or false (now " + current + "), not '" + value +
                         "'");
      continue;
    }
    if (all_are(is_int_text) && !is_int_text(value)) {
      problems.push_back("'" + canonical + "' takes a whole number (now " + current + "), not '" + value +
                         "'");
      continue;
    }
    if (all_are(is_number_text) && !is_number_text(value)) {
      problems.push_back("'" + canonical + "' takes a number (now " + current + "), not '" + value + "'");
      continue;
    }
    items.push_back(json{{"name", canonical}, {"value", value}});
    const bool secret = secret_name(canonical);
    if (secret) secret_values->push_back(value);
    changes.push_back(json{{"name", canonical},
                           {"old_value", secret ? std::string("***") : current},
                           {"new_value", secret ? std::string("***") : value},
                           {"default_value", def},
                           {"description", strip_html(get_string(*found, "description"))}});
  }
  if (!problems.empty())
    co_return unexpected(
        ToolResult::error("Nothing was changed on " + cluster_label(*c) + ": " + join(problems, "; ") + "."));
  if (items.empty())
    co_return unexpected(ToolResult::error(
        "give at least one setting, e.g. settings: [{\"name\": \"backup_retention\", \"value\": \"14\"}]"));

  ActionPlan plan;
  plan.cluster = *c;
  std::vector<std::string> names;
  for (const auto& i : items)
    names.push_back(
        i["name"].get<std::string>() + "=" +
        (secret_name(i["name"].get<std::string>()) ? std::string("***") : i["value"].get<std::string>()));
  plan.summary = "Set ClusterControl setting(s) " + join(names) + " for " + cluster_label(*c);
  std::vector<std::string> secrets;
  for (size_t i = 0; i < items.size(); ++i)
    if (secret_name(get_string(items[i], "name")))
      secrets.push_back("/configuration/" + std::to_string(i) + "/value");
  json fields{{"cluster_id", c->id}, {"configuration", items}};
  plan.requests.push_back(CmonRequest{"/v2/clusters", "setConfig", std::move(fields), std::move(secrets)});
  const Cluster cluster = *c;
  plan.on_done = [changes, cluster, secret_values](const ActionPlan& p, const std::vector<json>& replies) {
    std::string text = "Done: " + p.summary + ".\n";
    for (const auto& ch : changes) {
      text += "- " + ch["name"].get<std::string>() + ": " + ch["old_value"].get<std::string>() + " -> " +
              ch["new_value"].get<std::string>();
      if (!ch["default_value"].get<std::string>().empty())
        text += " (default " + ch["default_value"].get<std::string>() + ")";
      text += "\n";
    }
    json messages = json::array();
    for (const auto& rep : replies)
      for (const auto& m : redact_values(strings_of(get_list(rep, "messages")), *secret_values)) {
        messages.push_back(m);
        text += "CMON: " + m.get<std::string>() + "\n";
      }
    text +=
        "These are ClusterControl's settings for the cluster (not database variables); the controller "
        "uses them from now on. get_cluster_settings shows the current values.\n";
    json out{{"tool", "set_cluster_settings"},
             {"status", "done"},
             {"summary", p.summary},
             {"cluster_id", cluster.id},
             {"cluster_name", cluster.name},
             {"changes", changes},
             {"messages", messages}};
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

}  // namespace

void register_config_actions(Registry& registry) {
  json var_item{
      {"type", "object"},
      {"properties",
       {{"name", s_string("Variable name as in the configuration file, e.g. max_connections.")},
        {"value",
         {{"type", json::array({"string", "number"})},
          {"description", "The new value, written as given (\"4G\", 500, \"ON\")."}}},
        {"section", s_string("Section (group) of the file, e.g. mysqld; needed only when the name is "
                             "set in several sections or is new in a file with sections.")}}},
      {"required", json::array({"name", "value"})},
      {"additionalProperties", false}};
  json variables = s_array(var_item, "The variables to set (at least one).", 50);
  variables["minItems"] = 1;
  json change_schema =
      o_obj({{"name", o_str()}, {"section", o_str()}, {"new_value", o_str()}, {"added", o_bool()}},
            {"name", "new_value"});
  registry.add(ToolDefinition{
      .name = "set_node_config",
      .title = "Set node configuration",
      .description =
          "Changes database variables in the configuration file of one node, or of every database node of "
          "the cluster (all_nodes: true, one CMON request per node), through CMON's setConfig (my.cnf, "
          "postgresql.conf, mongod.conf, redis.conf, mssql.conf). Reads the configuration first: a name that "
          "is not set is refused with close matches unless add_missing is true (a misspelt option can stop "
          "the server from starting). Returns old and new values per node and whether a restart is needed "
          "(from CMON's reply and a short list of variables read only at start-up, e.g. "
          "innodb_log_file_size, PostgreSQL shared_buffers/max_connections, any mongod.conf change), with "
          "the "
          "tool to apply it (restart_node, or rolling_restart for every node). Use get_node_config first to "
          "see the current values.\nExample: {\"cluster_id\": 1, \"all_nodes\": true, \"variables\": "
          "[{\"name\": \"max_connections\", \"value\": \"800\", \"section\": \"mysqld\"}]}",
      .group = "config",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .node(false, "the node to change (or all_nodes: true)")
              .prop("all_nodes", s_boolean("Change every database node of the cluster (load balancers, "
                                           "sentinels and the controller are left out)."))
              .prop("variables", variables, true)
              .prop("add_missing", s_boolean("Add variables that are not set in the file yet (default false: "
                                             "such names are refused as probable typos)."))
              .build(),
      .output_schema = action_output({{"nodes", o_arr(o_obj({{"node", o_str()},
                                                             {"changes", o_arr(change_schema)},
                                                             {"restart_needed", o_bool()},
                                                             {"restart_reasons", o_arr(o_str())}},
                                                            {"node", "changes", "restart_needed"}))},
                                      {"restart_needed", o_bool()},
                                      {"restart_hint", o_str()}}),
      .action = make_action(plan_set_node_config),
  });

  json setting_item{
      {"type", "object"},
      {"properties",
       {{"name", s_string("Setting name as get_cluster_settings lists it, e.g. backup_retention.")},
        {"value",
         {{"type", json::array({"string", "number", "boolean"})},
          {"description", "The new value (\"14\", 30, true)."}}}}},
      {"required", json::array({"name", "value"})},
      {"additionalProperties", false}};
  json settings = s_array(setting_item, "The settings to change (at least one).", 50);
  settings["minItems"] = 1;
  registry.add(ToolDefinition{
      .name = "set_cluster_settings",
      .title = "Set cluster controller settings",
      .description =
          "Changes ClusterControl's own settings for a cluster (not database variables): statistics "
          "intervals, auto-recovery, backup retention, backup directory, ... through CMON's /v2/clusters "
          "setConfig. Every name is checked against the cluster's current settings first: unknown names are "
          "refused with close matches, read-only ones (cluster_id, cluster_type, config_file_path) and "
          "values "
          "of the wrong kind (text for a number, anything but true/false for a flag) too. Returns old and "
          "new "
          "values. Use get_cluster_settings to see names and current values.\nExample: {\"cluster_id\": 1, "
          "\"settings\": [{\"name\": \"backup_retention\", \"value\": 14}]}",
      .group = "config",
      .tool_class = ToolClass::write,
      .input_schema = Schema().cluster().prop("settings", settings, true).build(),
      .output_schema = action_output(
          {{"changes", o_arr(o_obj({{"name", o_str()}, {"old_value", o_str()}, {"new_value", o_str()}},
                                   {"name", "new_value"}))}}),
      .action = make_action(plan_set_cluster_settings),
  });
}

}  // namespace cmon_mcp::tools
