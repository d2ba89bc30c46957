// Catalogue B.2 (clusters), state-changing side: planners run by the safety pipeline (action.cpp).
//
//   create_cluster         W  job create_cluster (controller level, cluster_id 0)
//   import_cluster         W  job add_cluster (controller level)
//   remove_cluster         D  job remove_cluster
//   start_cluster          W  job start_cluster
//   stop_cluster           D  job stop_cluster (backup guard)
//   rolling_restart        W  job rolling_restart
//   set_cluster_read_only  W  jobs enable_cluster_readonly / disable_cluster_readonly
//   set_auto_recovery      W  jobs enable_recovery / disable_recovery, enable_node_recovery /
//                             disable_node_recovery
//   tag_cluster            W  /v2/tree appendTag / removeTag (path /<cluster name>)
//
// Each planner checks what CMON can tell beforehand (the type, vendor and version are supported, the
// name and the hosts are free, the cluster is not already in the requested state, its nodes are up)
// so that a job that cannot work is refused with a clear message instead of failing minutes later.
#include <algorithm>
#include <set>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

// JSON pointers of the secrets in a create_cluster / add_cluster request.
const std::vector<std::string> kDeploySecrets = {"/job/job_spec/job_data/db_password",
                                                 "/job/job_spec/job_data/sudo_password"};

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string str_of(const json& v) {
  return get_string(json{{"v", v}}, "v");
}

// ---------------------------------------------------------------------------------------------------
// Nodes of an existing cluster.

bool is_replica(const json& host) {
  std::string role = lower(get_string(host, "role"));
  return role == "slave" || role == "replica" || role == "secondary" ||
         iequals(get_string(host, "member_role"), "Secondary");
}

std::string status_word(const json& host) {
  std::string s = get_string(host, "hoststatus", "CmonHostUnknown");
  return s.rfind("CmonHost", 0) == 0 ? s.substr(8) : s;
}

std::vector<std::string> labels(const std::vector<json>& hosts) {
  std::vector<std::string> out;
  for (const auto& h : hosts) out.push_back(host_label(h));
  return out;
}

// Load balancers and helper processes attached to a cluster (§16): not database nodes, so they neither
// count for "all nodes are up" nor go down with stop_cluster.
bool is_helper(const json& host) {
  static const std::set<std::string> helpers = {"haproxy",   "proxysql",   "maxscale",  "keepalived",
                                                "pgbouncer", "pgbackrest", "pbmagent",  "prometheus",
                                                "garbd",     "nfsclient",  "nfsserver", "cmonagent"};
  std::string type = lower(get_string(host, "nodetype"));
  if (helpers.count(type)) return true;
  std::string cls = lower(get_string(host, "class_name"));
  for (const auto& h : helpers)
    if (cls == "cmon" + h + "host") return true;
  return false;
}

// The database nodes of a cluster (no controller, no helpers).
std::vector<json> db_nodes(const Cluster& c) {
  std::vector<json> out;
  for (const auto& h : cluster_hosts(c.info))
    if (!is_helper(h)) out.push_back(h);
  return out;
}

std::vector<json> offline_nodes(const Cluster& c) {
  std::vector<json> out;
  for (const auto& h : db_nodes(c))
    if (!host_online(h)) out.push_back(h);
  return out;
}

std::vector<json> online_nodes(const Cluster& c) {
  std::vector<json> out;
  for (const auto& h : db_nodes(c))
    if (host_online(h)) out.push_back(h);
  return out;
}

// "10.0.1.13:3306 (ShutDown), 10.0.1.12:3306 (Failed)"
std::string with_status(const std::vector<json>& hosts) {
  std::vector<std::string> out;
  for (const auto& h : hosts) out.push_back(host_label(h) + " (" + status_word(h) + ")");
  return join(out);
}

awaitable<Expected<Cluster, ToolResult>> cluster_with_hosts(ToolContext& ctx, const json& args) {
  json extra{{"with_hosts", true}};
  co_return co_await resolve_cluster(ctx, args, std::move(extra));
}

// ---------------------------------------------------------------------------------------------------
// create_cluster / import_cluster: type, vendor and version against what the controller supports.

struct TypeChoice {
  std::string job_type;   // the job's cluster_type, lower case: galera, postgresql_single, ...
  std::string long_name;  // "Galera Cluster for MySQL"
  std::string vendor;
  std::string version;  // "" when none was given and none is defaulted (import)
  bool timescale = false;
  Family family = Family::other;
};

// The job name of a discovery entry: its type_name, or for controllers that list no type_name the key
// mapped to the job spelling (cmon-rpc-v2.md §16: discovery names differ from job names).
std::string job_type_of(const std::string& key, const json& props) {
  std::string type_name = lower(get_string(props, "type_name"));
  if (!type_name.empty()) return type_name;
  std::string k = lower(key);
  if (k == "groupreplication") return "group_replication";
  if (k == "myqlcluster") return "mysqlcluster";
  if (k == "postgresql" || k == "timescaledb") return "postgresql_single";
  return k;
}

// Numeric comparison of dotted versions ("10.11" > "10.6").
bool version_less(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& s) {
    std::vector<long long> v;
    size_t i = 0;
    while (i < s.size()) {
      size_t j = s.find('.', i);
      if (j == std::string::npos) j = s.size();
      v.push_back(get_int(json{{"p", s.substr(i, j - i)}}, "p", 0));
      i = j + 1;
    }
    return v;
  };
  return parts(a) < parts(b);
}

awaitable<Expected<TypeChoice, ToolResult>> choose_type(ToolContext& ctx, const json& args,
                                                        bool default_version) {
  json fields = json::object();
  auto r = co_await call(ctx, "/v2/discovery", "getSupportedClusterTypes", std::move(fields),
                         "read the cluster types this controller supports");
  if (!r) co_return unexpected(std::move(r.error()));
  json props = get_object(*r, "cluster_type_properties");
  json names = get_list(*r, "cluster_type_names");
  if (names.empty())
    for (const auto& [k, v] : props.items()) names.push_back(k);

  struct Entry {
    std::string key, job_type, long_name;
    json vendors;
  };
  std::vector<Entry> entries;
  for (const auto& n : names) {
    std::string key = str_of(n);
    json p = get_object(props, key);
    entries.push_back(
        Entry{key, job_type_of(key, p), get_string(p, "long_name", key), get_list(p, "vendors")});
  }

  const std::string want = lower(args.value("cluster_type", std::string()));
  std::vector<const Entry*> picked;
  for (const auto& e : entries)
    if (lower(e.key) == want) picked.push_back(&e);
  if (picked.empty())
    for (const auto& e : entries)
      if (e.job_type == want) picked.push_back(&e);
  if (picked.empty()) {
    std::vector<std::string> known;
    for (const auto& e : entries)
      known.push_back(e.job_type + (iequals(e.key, e.job_type) ? "" : " (listed as " + e.key + ")") + ": " +
                      e.long_name);
    co_return unexpected(ToolResult::error(
        "cluster_type '" + args.value("cluster_type", std::string()) +
        "' is not supported by this controller. Supported: " + (known.empty() ? "none" : join(known, "; ")) +
        ". See list_supported_cluster_types."));
  }

  TypeChoice t;
  t.job_type = picked.front()->job_type;
  t.long_name = picked.front()->long_name;
  t.timescale = lower(picked.front()->key) == "timescaledb";
  t.family = family_of(t.job_type, "");

  // Vendors of the matching entries, first spelling wins.
  std::vector<std::pair<std::string, std::vector<std::string>>> vendors;
  for (const Entry* e : picked)
    for (const auto& v : e->vendors) {
      std::string name = get_string(v, "name");
      if (name.empty()) continue;
      auto it =
          std::find_if(vendors.begin(), vendors.end(), [&](const auto& x) { return iequals(x.first, name); });
      if (it != vendors.end()) continue;
      std::vector<std::string> versions;
      for (const auto& ver : get_list(v, "versions")) versions.push_back(str_of(ver));
      vendors.emplace_back(name, std::move(versions));
    }
  std::vector<std::string> vendor_names;
  for (const auto& v : vendors) vendor_names.push_back(v.first);

  std::vector<std::string> versions;
  if (args.contains("vendor")) {
    std::string want_vendor = args["vendor"].get<std::string>();
    auto it = std::find_if(vendors.begin(), vendors.end(),
                           [&](const auto& x) { return iequals(x.first, want_vendor); });
    if (it == vendors.end() && !vendors.empty())
      co_return unexpected(
          ToolResult::error("vendor '" + want_vendor + "' is not supported for " + t.job_type +
                            " clusters by this controller; choose one of: " + join(vendor_names)));
    t.vendor = it == vendors.end() ? want_vendor : it->first;
    if (it != vendors.end()) versions = it->second;
  } else if (vendors.size() == 1) {
    t.vendor = vendors.front().first;
    versions = vendors.front().second;
  } else {
    co_return unexpected(
        ToolResult::error("give vendor for a " + t.job_type + " cluster: " +
                          (vendor_names.empty() ? std::string("the controller lists no vendors for it")
                                                : "one of " + join(vendor_names))));
  }

  if (versions.empty()) {
    // Some controllers list versions only through /v2/dbversions (§15.3).
    json vfields{{"cluster_type", t.job_type}, {"vendor", t.vendor}};
    auto dv = co_await ctx.cmon.call("/v2/dbversions", "getDbVersions", std::move(vfields));
    if (dv)
      for (const auto& ver : get_list(*dv, "db_versions"))
        if (!ver.is_object() && !str_of(ver).empty()) versions.push_back(str_of(ver));
  }

  if (args.contains("version")) {
    std::string want_version = args["version"].get<std::string>();
    auto it = std::find_if(versions.begin(), versions.end(),
                           [&](const std::string& v) { return iequals(v, want_version); });
    if (it == versions.end() && !versions.empty())
      co_return unexpected(ToolResult::error("version '" + want_version + "' of " + t.vendor +
                                             " is not supported for " + t.job_type +
                                             " clusters by this controller; supported: " + join(versions)));
    t.version = it == versions.end() ? want_version : *it;
  } else if (default_version) {
    if (versions.empty())
      co_return unexpected(ToolResult::error("give version: the controller lists no versions of " + t.vendor +
                                             " for " + t.job_type + " clusters"));
    t.version = *std::max_element(versions.begin(), versions.end(), version_less);
  }

  if (args.value("timescaledb", false)) {
    if (t.job_type != "postgresql_single")
      co_return unexpected(
          ToolResult::error("timescaledb applies to PostgreSQL clusters (cluster_type "
                            "postgresql_single) only, not to " +
                            t.job_type));
    t.timescale = true;
  }
  co_return t;
}

// ---------------------------------------------------------------------------------------------------
// create_cluster / import_cluster: the nodes, the name, and the hosts being free.

struct NewNode {
  std::string hostname;
  int64_t port = 0;
  std::string label() const {
    return (hostname.find(':') != std::string::npos ? "[" + hostname + "]" : hostname) + ":" +
           std::to_string(port);
  }
};

// "host", "host:port", "[v6]" or "[v6]:port"; the port defaults from the product.
Expected<std::vector<NewNode>, std::string> parse_new_nodes(const json& list, int64_t port_default) {
  std::vector<NewNode> out;
  if (!list.is_array() || list.empty()) return unexpected(std::string("give at least one node in nodes"));
  for (const auto& item : list) {
    std::string spec = str_of(item);
    NewNode n;
    std::string port_text;
    if (!spec.empty() && spec.front() == '[') {
      auto close = spec.find(']');
      if (close == std::string::npos) return unexpected("node '" + spec + "': missing ']'");
      n.hostname = spec.substr(1, close - 1);
      std::string rest = spec.substr(close + 1);
      if (!rest.empty()) {
        if (rest[0] != ':') return unexpected("node '" + spec + "': expected [host]:port");
        port_text = rest.substr(1);
      }
    } else if (auto colon = spec.rfind(':'); colon != std::string::npos && spec.find(':') == colon) {
      n.hostname = spec.substr(0, colon);
      port_text = spec.substr(colon + 1);
    } else {
      n.hostname = spec;
    }
    if (n.hostname.empty()) return unexpected("node '" + spec + "': no host name");
    if (n.hostname.find_first_of(" \t/,") != std::string::npos)
      return unexpected("node '" + spec + "': not a host name or address");
    n.port = port_default;
    if (!port_text.empty()) {
      n.port = get_int(json{{"p", port_text}}, "p", -1);
      if (n.port < 1 || n.port > 65535) return unexpected("node '" + spec + "': the port must be 1-65535");
    }
    for (const auto& o : out)
      if (iequals(o.hostname, n.hostname) && o.port == n.port)
        return unexpected("node " + n.label() + " is listed twice");
    out.push_back(std::move(n));
  }
  return out;
}

json nodes_job_data(const std::vector<NewNode>& nodes) {
  json out = json::array();
  for (const auto& n : nodes) {
    json node = json::object();
    node["class_name"] = "CmonHost";
    node["hostname"] = n.hostname;
    if (n.port > 0) node["port"] = n.port;
    out.push_back(std::move(node));
  }
  return out;
}

bool same_host(const json& host, const std::string& name) {
  return iequals(get_string(host, "hostname"), name) || iequals(get_string(host, "ip"), name);
}

// Refuses a name already in use, hosts that already belong to a cluster, and a deployment that a
// running create_cluster / add_cluster job is already doing.
awaitable<std::optional<ToolResult>> check_new_cluster(ToolContext& ctx, const std::string& name,
                                                       const std::vector<NewNode>& nodes) {
  json all_fields{{"with_hosts", true}};
  auto all = co_await call(ctx, "/v2/clusters", "getAllClusterInfo", std::move(all_fields),
                           "list the clusters (to check the name and hosts are free)");
  if (!all) co_return std::move(all.error());
  for (const auto& c : get_list(*all, "clusters")) {
    std::string cname = get_string(c, "cluster_name");
    std::string clabel = "cluster " + cname + " (id " + std::to_string(get_int(c, "cluster_id")) + ")";
    if (iequals(cname, name))
      co_return ToolResult::error("a cluster named '" + cname + "' already exists (id " +
                                  std::to_string(get_int(c, "cluster_id")) +
                                  "); choose another cluster_name");
    for (const auto& h : cluster_hosts(c))
      for (const auto& n : nodes)
        if (same_host(h, n.hostname))
          co_return ToolResult::error("host " + n.hostname + " already belongs to " + clabel + " as node " +
                                      host_label(h) +
                                      "; a host can be managed in one cluster only. Remove it there first "
                                      "(remove_node) or choose another host");
  }

  // The controller's own check also sees names this user cannot list.
  json name_fields{{"new_cluster_name", name}};
  auto taken = co_await ctx.cmon.call("/v2/discovery", "checkClusterName", std::move(name_fields));
  if (taken) {
    bool exists =
        get_bool(*taken, "exists") ||
        (taken->contains("cluster_name_available") && !get_bool(*taken, "cluster_name_available")) ||
        (taken->contains("available") && !get_bool(*taken, "available"));
    if (exists)
      co_return ToolResult::error("the controller reports the cluster name '" + name +
                                  "' as already in use; choose another cluster_name");
  }

  json job_fields{{"show_defined", true}, {"show_running", true}, {"limit", 100}, {"offset", 0}};
  auto jobs = co_await call(ctx, "/v2/jobs", "getJobInstances", std::move(job_fields),
                            "check the running deployment jobs");
  if (!jobs) co_return std::move(jobs.error());
  for (const auto& j : get_list(*jobs, "jobs")) {
    std::string command = job_command(j);
    if (command != "create_cluster" && command != "add_cluster") continue;
    std::string status = get_string(j, "status");
    if (!cmon::is_job_running(status) && !cmon::is_job_pending(status)) continue;
    json data = get_object(cmon::parse_job_spec(j.value("job_spec", json())), "job_data");
    std::string what;
    if (iequals(get_string(data, "cluster_name"), name)) what = "cluster '" + name + "'";
    for (const auto& nv : get_list(data, "nodes"))
      for (const auto& n : nodes)
        if (what.empty() && (same_host(nv, n.hostname) || iequals(str_of(nv), n.hostname)))
          what = "host " + n.hostname;
    if (!what.empty()) {
      int64_t id = get_int(j, "job_id");
      co_return ToolResult::error("job " + std::to_string(id) + " (" + command + ", " + status +
                                  ") is already deploying " + what +
                                  "; follow it with wait_for_job {\"job_id\": " + std::to_string(id) +
                                  "} instead of starting another");
    }
  }
  co_return std::nullopt;
}

// The database admin user when none is given: what CMON's deployments use for the product.
std::string default_db_user(Family f) {
  switch (f) {
    case Family::mysql:
    case Family::galera:
      return "root";
    case Family::postgres:
      return "postgres";
    case Family::mongo:
      return "admin";
    default:
      return "";
  }
}

// Fields shared by create_cluster and add_cluster.
void add_access_fields(json& data, const json& args, Family family, const std::string& db_password) {
  data["ssh_user"] = args.value("ssh_user", std::string("root"));
  if (args.contains("ssh_key_file")) data["ssh_keyfile"] = args["ssh_key_file"];
  if (args.contains("ssh_port")) data["ssh_port"] = args["ssh_port"];
  if (args.contains("sudo_password")) data["sudo_password"] = args["sudo_password"];
  std::string user = args.value("db_admin_user", default_db_user(family));
  if (!user.empty()) data["db_user"] = user;
  data["db_password"] = db_password;
}

std::string type_text(const TypeChoice& t) {
  return t.job_type + (t.timescale ? " with TimescaleDB" : "") + " (" + t.vendor +
         (t.version.empty() ? "" : " " + t.version) + ")";
}

std::vector<std::string> node_labels(const std::vector<NewNode>& nodes) {
  std::vector<std::string> out;
  for (const auto& n : nodes) out.push_back(n.label());
  return out;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_create_cluster(ToolContext& ctx, const json& args) {
  auto t = co_await choose_type(ctx, args, true);
  if (!t) co_return unexpected(std::move(t.error()));
  auto nodes = parse_new_nodes(args.value("nodes", json::array()), default_port(t->family));
  if (!nodes) co_return unexpected(ToolResult::error(nodes.error()));
  const std::string name = args.value("cluster_name", std::string());
  auto refused = co_await check_new_cluster(ctx, name, *nodes);
  if (refused) co_return unexpected(std::move(*refused));

  ActionPlan plan;
  std::string password;
  if (args.contains("db_admin_password")) {
    password = args["db_admin_password"].get<std::string>();
  } else {
    password = generate_password();
    plan.generated["db_admin_password"] = password;
  }
  json data = json::object();
  data["cluster_type"] = t->job_type;
  data["vendor"] = t->vendor;
  data["version"] = t->version;
  data["cluster_name"] = name;
  data["nodes"] = nodes_job_data(*nodes);
  add_access_fields(data, args, t->family, password);
  data["install_software"] = args.value("install_software", true);
  data["disable_firewall"] = args.value("disable_firewall", true);
  data["disable_selinux"] = args.value("disable_selinux", true);
  if (t->timescale) data["install_timescaledb"] = true;
  if (args.contains("tags") && !args["tags"].empty()) data["with_tags"] = args["tags"];

  plan.summary = "Deploy a new " + type_text(*t) + " cluster '" + name + "' on " +
                 plural(nodes->size(), "node") + ": " + join(node_labels(*nodes));
  CmonRequest request = job_request(0, plan.summary, "create_cluster", std::move(data));
  request.secrets = kDeploySecrets;
  plan.requests.push_back(std::move(request));

  std::string effect = "ClusterControl connects to " + plural(nodes->size(), "host") + " over SSH as " +
                       args.value("ssh_user", std::string("root")) + ", ";
  effect += args.value("install_software", true) ? "installs " + t->vendor + " " + t->version + " packages"
                                                 : "uses the " + t->vendor + " software already installed";
  effect += " and sets up a new " + t->long_name + " named '" + name + "'";
  if (t->family == Family::mysql || t->family == Family::postgres || t->family == Family::mssql ||
      t->family == Family::redis)
    effect += "; the first node (" + nodes->front().label() +
              ") becomes the primary and the others replicate from it";
  effect += ".";
  std::vector<std::string> disabled;
  if (args.value("disable_firewall", true)) disabled.push_back("the firewall");
  if (args.value("disable_selinux", true)) disabled.push_back("SELinux/AppArmor");
  if (!disabled.empty())
    effect += " It disables " + join(disabled, " and ") +
              " on those hosts (disable_firewall / disable_selinux false keep them).";
  if (plan.generated.contains("db_admin_password"))
    effect += " The database admin password is generated and returned once in the result.";
  plan.effect = std::move(effect);
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_import_cluster(ToolContext& ctx, const json& args) {
  auto t = co_await choose_type(ctx, args, false);
  if (!t) co_return unexpected(std::move(t.error()));
  auto nodes = parse_new_nodes(args.value("nodes", json::array()), default_port(t->family));
  if (!nodes) co_return unexpected(ToolResult::error(nodes.error()));
  const std::string name = args.value("cluster_name", std::string());
  auto refused = co_await check_new_cluster(ctx, name, *nodes);
  if (refused) co_return unexpected(std::move(*refused));

  json data = json::object();
  data["cluster_type"] = t->job_type;
  data["vendor"] = t->vendor;
  if (!t->version.empty()) data["version"] = t->version;
  data["cluster_name"] = name;
  data["nodes"] = nodes_job_data(*nodes);
  add_access_fields(data, args, t->family, args.value("db_admin_password", std::string()));

  ActionPlan plan;
  plan.summary = "Import the existing " + type_text(*t) + " cluster '" + name + "' with " +
                 plural(nodes->size(), "node") + ": " + join(node_labels(*nodes));
  CmonRequest request = job_request(0, plan.summary, "add_cluster", std::move(data));
  request.secrets = kDeploySecrets;
  plan.requests.push_back(std::move(request));
  plan.effect = "ClusterControl connects to " + plural(nodes->size(), "host") + " over SSH as " +
                args.value("ssh_user", std::string("root")) +
                ", discovers the running databases and starts monitoring and managing them as cluster '" +
                name + "'. Nothing is installed and the databases are not restarted.";
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// remove_cluster

awaitable<Expected<ActionPlan, ToolResult>> plan_remove_cluster(ToolContext& ctx, const json& args) {
  auto c = co_await cluster_with_hosts(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  const bool remove_backups = args.value("remove_backups", false);

  // How many backups the cluster has, to say what remove_backups deletes or keeps.
  json bfields{{"cluster_id", c->id}, {"limit", 500}, {"offset", 0}, {"backup_record_version", 2}};
  auto backups = co_await ctx.cmon.call("/v2/backup", "getBackups", std::move(bfields));
  std::string backup_text;
  if (backups) {
    json records = get_list(*backups, "backup_records");
    int64_t total = get_int(*backups, "total", static_cast<int64_t>(records.size()));
    double bytes = 0;
    for (const auto& rec : records) {
      json m = rec.contains("metadata") && rec["metadata"].is_object() ? rec["metadata"] : rec;
      for (const auto& part : get_list(m, "backup"))
        for (const auto& f : get_list(part, "files")) bytes += get_double(f, "size");
    }
    std::string what = plural(static_cast<size_t>(total), "backup") +
                       (bytes > 0 ? ", " + human_bytes(bytes) : std::string());
    if (total == 0)
      backup_text = " The cluster has no backups.";
    else if (remove_backups)
      backup_text = " Its backups (" + what + ") are deleted too and can never be restored.";
    else
      backup_text = " Its backups (" + what +
                    ") stay on their storage (remove_backups is not set) but are "
                    "no longer listed by ClusterControl.";
  } else {
    backup_text = remove_backups ? " Its backups are deleted too and can never be restored."
                                 : " Its backups stay on their storage (remove_backups is not set).";
  }

  json data = json::object();
  data["clusterid"] = c->id;
  data["remove_backups"] = remove_backups;
  auto nodes = db_nodes(*c);
  ActionPlan plan = job_plan(*c,
                             "Remove " + cluster_label(*c) + " from ClusterControl" +
                                 (remove_backups ? " and delete its backups" : ""),
                             "remove_cluster", std::move(data));
  plan.effect = "This unregisters " + cluster_label(*c) + ", a " + c->type + " cluster (" + c->vendor + " " +
                c->version + "), from ClusterControl. Its " + plural(nodes.size(), "node") +
                (nodes.empty() ? "" : " (" + join(labels(nodes)) + ")") +
                " keep running with their data, but ClusterControl no longer monitors, alerts on, backs up "
                "or recovers them, and its jobs, schedules and settings for the cluster are gone." +
                backup_text + " import_cluster can register it again later.";
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// start_cluster, stop_cluster, rolling_restart

awaitable<Expected<ActionPlan, ToolResult>> plan_start_cluster(ToolContext& ctx, const json& args) {
  auto c = co_await cluster_with_hosts(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  const bool bootstrap = args.value("bootstrap", false);
  const bool has_donor = args.contains("donor");
  if ((bootstrap || has_donor) && c->family != Family::galera)
    co_return unexpected(ToolResult::error("bootstrap and donor apply to Galera clusters only; " +
                                           cluster_label(*c) + " is " + c->type + ". Leave them out."));
  auto down = offline_nodes(*c);
  auto nodes = db_nodes(*c);
  if (iequals(c->state, "STARTED") && down.empty())
    co_return unexpected(ToolResult::error(cluster_label(*c) + " is already started: all " +
                                           plural(nodes.size(), "node") +
                                           " are online. To restart it use rolling_restart (one node at a "
                                           "time) or restart_node."));
  json data = json::object();
  if (bootstrap) data["bootstrap"] = true;
  if (has_donor) {
    auto donor = find_node(*c, args["donor"].get<std::string>());
    if (!donor) co_return unexpected(ToolResult::error(donor.error()));
    if (iequals(get_string(*donor, "nodetype"), "controller"))
      co_return unexpected(ToolResult::error("donor must be a database node of " + cluster_label(*c) +
                                             ", not the controller"));
    data["donor_address"] = get_string(*donor, "hostname", get_string(*donor, "ip"));
  }
  std::string summary = "Start " + cluster_label(*c) + ": state " + c->state + ", " +
                        std::to_string(down.size()) + " of " + plural(nodes.size(), "node") + " down";
  if (bootstrap) summary += ", bootstrapping it";
  if (has_donor) summary += " from " + data["donor_address"].get<std::string>();
  ActionPlan plan = job_plan(*c, summary, "start_cluster", std::move(data));
  plan.effect = "This starts the database service on the stopped nodes of " + cluster_label(*c) +
                (down.empty() ? std::string(".") : ": " + with_status(down) + ".");
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_stop_cluster(ToolContext& ctx, const json& args) {
  auto c = co_await cluster_with_hosts(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  auto nodes = db_nodes(*c);
  auto up = online_nodes(*c);
  if (iequals(c->state, "STOPPED") || up.empty())
    co_return unexpected(ToolResult::error(cluster_label(*c) + " is already stopped (state " + c->state +
                                           ", none of its " + plural(nodes.size(), "node") +
                                           " online); start_cluster starts it."));
  json data = json::object();
  if (args.contains("stop_timeout_s")) data["stop_timeout"] = args["stop_timeout_s"];
  if (args.contains("maintenance_minutes")) data["maintenance_minutes"] = args["maintenance_minutes"];
  if (args.contains("reason")) data["reason"] = args["reason"];
  ActionPlan plan = job_plan(*c, "Stop all nodes of " + cluster_label(*c), "stop_cluster", std::move(data));
  std::string effect = "This stops the database service on all " + plural(nodes.size(), "node") + " of " +
                       cluster_label(*c) + ": " + plural(up.size(), "online node") + " go down (" +
                       join(labels(up)) +
                       "). The whole cluster is unavailable to every client, and connected sessions are cut, "
                       "until start_cluster brings it back.";
  if (args.contains("maintenance_minutes"))
    effect += " Alarms are suppressed by a maintenance period of " +
              std::to_string(args["maintenance_minutes"].get<int64_t>()) + " minutes.";
  plan.effect = std::move(effect);
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_rolling_restart(ToolContext& ctx, const json& args) {
  auto c = co_await cluster_with_hosts(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  if (args.value("initial_start", false) && c->family != Family::galera)
    co_return unexpected(ToolResult::error("initial_start applies to Galera clusters only; " +
                                           cluster_label(*c) + " is " + c->type));
  auto nodes = db_nodes(*c);
  auto down = offline_nodes(*c);
  if (iequals(c->state, "STOPPED") || !down.empty())
    co_return unexpected(ToolResult::error(
        "a rolling restart needs every node of " + cluster_label(*c) +
        " up, so that the others serve while one "
        "restarts; " +
        (down.empty() ? "the cluster is stopped" : "down: " + with_status(down)) +
        ". Start them first (start_node, or start_cluster), or restart single nodes with restart_node."));
  json data = json::object();
  if (args.contains("stop_timeout_s")) data["stop_timeout"] = args["stop_timeout_s"];
  if (args.value("initial_start", false)) data["initial_start"] = true;
  ActionPlan plan = job_plan(*c,
                             "Restart the " + plural(nodes.size(), "node") + " of " + cluster_label(*c) +
                                 " one at a time (rolling restart)",
                             "rolling_restart", std::move(data));
  plan.effect =
      "This restarts the " + plural(nodes.size(), "node") + " of " + cluster_label(*c) +
      " one after the other (" + join(labels(nodes)) +
      "); each node's clients lose their connections while it restarts, the cluster stays available.";
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// set_cluster_read_only, set_auto_recovery

awaitable<Expected<ActionPlan, ToolResult>> plan_set_read_only(ToolContext& ctx, const json& args) {
  auto c = co_await cluster_with_hosts(ctx, args);
  if (!c) co_return unexpected(std::move(c.error()));
  const bool ro = args.value("read_only", true);
  // Replicas are read-only by design; the switch is about the nodes that take writes.
  std::vector<json> writers;
  for (const auto& h : db_nodes(*c))
    if (!is_replica(h) && h.contains("readonly")) writers.push_back(h);
  bool all_there = !writers.empty();
  for (const auto& h : writers) all_there = all_there && get_bool(h, "readonly") == ro;
  if (all_there)
    co_return unexpected(ToolResult::error(cluster_label(*c) + " is already " +
                                           (ro ? "read-only" : "writable") + ": read_only is " +
                                           (ro ? "on" : "off") + " for " + join(labels(writers)) + "."));
  ActionPlan plan = job_plan(*c, "Make " + cluster_label(*c) + (ro ? " read-only" : " writable again"),
                             ro ? "enable_cluster_readonly" : "disable_cluster_readonly", json::object());
  plan.effect = ro ? "Clients can no longer write to " + cluster_label(*c) +
                         " (reads go on) until set_cluster_read_only with read_only false."
                   : "Clients can write to " + cluster_label(*c) + " again.";
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_set_auto_recovery(ToolContext& ctx, const json& args) {
  json extra = json::object();
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  const bool on = args.value("enabled", true);
  const bool node_scope = args.value("scope", std::string("cluster")) == "node";
  const std::string key = node_scope ? "node_auto_recovery" : "cluster_auto_recovery";
  const std::string what = node_scope ? "node auto-recovery" : "cluster auto-recovery";
  if (c->info.contains(key) && get_bool(c->info, key) == on)
    co_return unexpected(
        ToolResult::error(what + " of " + cluster_label(*c) + " is already " + (on ? "on" : "off") + "."));
  json data = json::object();
  if (!node_scope && args.contains("reason")) data["reason"] = args["reason"];
  std::string command = node_scope ? (on ? "enable_node_recovery" : "disable_node_recovery")
                                   : (on ? "enable_recovery" : "disable_recovery");
  ActionPlan plan =
      job_plan(*c, std::string(on ? "Turn on " : "Turn off ") + what + " of " + cluster_label(*c), command,
               std::move(data));
  if (node_scope)
    plan.effect =
        on ? "ClusterControl will again restart failed nodes of " + cluster_label(*c) + " by itself."
           : "ClusterControl will no longer restart failed nodes of " + cluster_label(*c) +
                 " by itself; a failed node waits for an operator.";
  else
    plan.effect = on ? "ClusterControl will again recover " + cluster_label(*c) + " by itself when it fails."
                     : "ClusterControl will no longer recover " + cluster_label(*c) +
                           " by itself when it fails; failures wait for an operator.";
  co_return plan;
}

// ---------------------------------------------------------------------------------------------------
// tag_cluster

awaitable<Expected<ActionPlan, ToolResult>> plan_tag_cluster(ToolContext& ctx, const json& args) {
  json extra = json::object();
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  std::vector<std::string> current;
  for (const auto& t : get_list(c->info, "tags")) current.push_back(str_of(t));
  auto has = [&](const std::vector<std::string>& v, const std::string& t) -> const std::string* {
    for (const auto& x : v)
      if (x == t) return &x;
    for (const auto& x : v)
      if (iequals(x, t)) return &x;
    return nullptr;
  };
  std::vector<std::string> add_in, remove_in;
  for (const auto& t : args.value("add", json::array())) add_in.push_back(str_of(t));
  for (const auto& t : args.value("remove", json::array())) remove_in.push_back(str_of(t));
  if (add_in.empty() && remove_in.empty())
    co_return unexpected(ToolResult::error("give tags to add and/or remove; " + cluster_label(*c) +
                                           " has: " + (current.empty() ? "no tags" : join(current))));
  for (const auto& t : add_in)
    if (has(remove_in, t))
      co_return unexpected(ToolResult::error("tag '" + t + "' is both in add and in remove; give it once"));

  std::vector<std::string> to_add, to_remove, unchanged;
  for (const auto& t : add_in) {
    if (const std::string* x = has(current, t); x && *x == t)
      unchanged.push_back("already has '" + t + "'");
    else if (std::find(to_add.begin(), to_add.end(), t) == to_add.end())
      to_add.push_back(t);
  }
  for (const auto& t : remove_in) {
    const std::string* x = has(current, t);
    if (!x)
      unchanged.push_back("has no tag '" + t + "'");
    else if (!has(to_remove, *x))
      to_remove.push_back(*x);
  }
  if (to_add.empty() && to_remove.empty())
    co_return unexpected(
        ToolResult::error("nothing to change: " + cluster_label(*c) + " " + join(unchanged, ", ") +
                          ". Its tags: " + (current.empty() ? "none" : join(current)) + "."));

  std::vector<std::string> after;
  for (const auto& t : current)
    if (std::find(to_remove.begin(), to_remove.end(), t) == to_remove.end()) after.push_back(t);
  for (const auto& t : to_add) after.push_back(t);

  ActionPlan plan;
  plan.cluster = *c;
  std::string summary;
  if (!to_add.empty()) summary = "Add tag" + std::string(to_add.size() == 1 ? " " : "s ") + join(to_add);
  if (!to_remove.empty())
    summary += std::string(summary.empty() ? "Remove" : ", remove") + " tag" +
               (to_remove.size() == 1 ? " " : "s ") + join(to_remove);
  plan.summary = summary + (to_add.empty() ? " from " : " on ") + cluster_label(*c);
  const std::string path = "/" + c->name;
  for (const auto& t : to_add) {
    json fields{{"path", path}, {"tag", t}};
    plan.requests.push_back(CmonRequest{"/v2/tree", "appendTag", std::move(fields), {}});
  }
  for (const auto& t : to_remove) {
    json fields{{"path", path}, {"tag", t}};
    plan.requests.push_back(CmonRequest{"/v2/tree", "removeTag", std::move(fields), {}});
  }
  const Cluster cluster = *c;
  plan.on_done = [cluster, to_add, to_remove, unchanged, after](const ActionPlan& p,
                                                                const std::vector<json>& replies) {
    // The tags after the change: CMON's last reply when it carries them, else what we expect.
    json tags = json(after);
    if (!replies.empty() && replies.back().contains("tags") && replies.back()["tags"].is_array())
      tags = get_list(replies.back(), "tags");
    json out = json::object();
    out["tool"] = "tag_cluster";
    out["status"] = "done";
    out["summary"] = p.summary;
    out["cluster_id"] = cluster.id;
    out["cluster_name"] = cluster.name;
    out["added"] = to_add;
    out["removed"] = to_remove;
    out["unchanged"] = unchanged;
    out["tags"] = tags;
    std::vector<std::string> tag_list;
    for (const auto& t : tags) tag_list.push_back(str_of(t));
    std::string text = "Done: " + p.summary + ".\n";
    if (!unchanged.empty()) text += "Left as is: " + cluster_label(cluster) + " " + join(unchanged) + ".\n";
    text +=
        "Tags of " + cluster_label(cluster) + " now: " + (tag_list.empty() ? "none" : join(tag_list)) + "\n";
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

}  // namespace

void register_clusters_actions(Registry& registry) {
  // ----- create_cluster / import_cluster
  json nodes =
      s_array(s_string("\"host\" or \"host:port\" (IPv6: \"[addr]:port\"); the port defaults from the "
                       "product (3306 MySQL/Galera, 5432 PostgreSQL, 27017 MongoDB, 1433 SQL Server, "
                       "6379 Redis).",
                       std::nullopt, 300),
              "The hosts of the cluster. For replication products the first one becomes the primary.", 32);
  nodes["minItems"] = 1;
  auto deploy_schema = [&](bool create) {
    Schema s;
    s.prop("cluster_type",
           s_string(std::string("Cluster type as a job names it (") +
                    "galera, replication, group_replication, postgresql_single, mongodb, mssql_ao_async, "
                    "redis, ...) or as list_supported_cluster_types lists it" +
                    (create ? " (\"timescaledb\" deploys PostgreSQL with TimescaleDB)." : ".")),
           true)
        .prop("vendor",
              s_string("Vendor (percona, mariadb, codership, oracle, postgresql, enterprisedb, 10gen, "
                       "microsoft, redis, ...). Optional when the type has one vendor only."))
        .prop(
            "version",
            s_string(create ? "Major version as listed by list_supported_cluster_types (default: the newest "
                              "listed for the vendor)."
                            : "Major version of the running databases (optional; CMON detects it).",
                     std::nullopt, 32))
        .prop("cluster_name",
              s_string("Name of the new cluster in ClusterControl; must not be in use.",
                       std::string("^[A-Za-z0-9][A-Za-z0-9 _.-]*$"), 64),
              true)
        .prop("nodes", nodes, true)
        .prop("ssh_user",
              s_string("OS user ClusterControl logs in with over SSH (default root); needs sudo."))
        .prop("ssh_key_file", s_string("Path of the SSH private key on the controller host (default: the "
                                       "controller's configured key).",
                                       std::nullopt, 1024))
        .prop("ssh_port", s_integer("SSH port of the hosts (default 22).", 1, 65535))
        .prop("sudo_password", s_secret("Password for sudo when the SSH user needs one.", 128))
        .prop(
            "db_admin_user",
            s_string(create ? "Database admin user to create (default: root for MySQL/Galera, postgres for "
                              "PostgreSQL, admin for MongoDB)."
                            : "Existing database admin user ClusterControl connects with (default: root for "
                              "MySQL/Galera, postgres for PostgreSQL, admin for MongoDB)."));
    if (create) {
      s.prop("db_admin_password",
             s_secret("Password of the database admin user. When absent a strong one is generated and "
                      "returned once in the result.",
                      128))
          .prop("install_software", s_boolean("Install the database packages (default true); false uses "
                                              "software already on the hosts."))
          .prop("disable_firewall", s_boolean("Disable the hosts' firewall (default true, as ClusterControl "
                                              "does)."))
          .prop("disable_selinux", s_boolean("Disable SELinux/AppArmor on the hosts (default true)."))
          .prop("timescaledb", s_boolean("PostgreSQL only: install the TimescaleDB extension."))
          .prop("tags",
                s_array(s_string("A tag.", std::string("^[^\\s,/]+$"), 64), "Tags for the new cluster.", 20));
    } else {
      s.prop("db_admin_password",
             s_secret("Password of the existing database admin user (ClusterControl monitors with it).", 128),
             true);
    }
    return s.build();
  };
  registry.add(ToolDefinition{
      .name = "create_cluster",
      .title = "Deploy a cluster",
      .description =
          "Deploys a new database cluster on the given hosts (CMON job 'create_cluster'): installs the "
          "packages over SSH, configures replication or Galera, and registers it in ClusterControl. Checks "
          "first that the type, vendor and version are supported by this controller (see "
          "list_supported_cluster_types), that the name is free and that no host already belongs to a "
          "cluster; check_hosts is a useful pre-flight. The database admin password is generated when not "
          "given and returned once. Returns the job id (deployments take minutes), or follows it with "
          "wait=true; dry_run=true shows the job with secrets redacted.\nExample: {\"cluster_type\": "
          "\"galera\", \"vendor\": \"percona\", \"version\": \"8.0\", \"cluster_name\": \"shop-db\", "
          "\"nodes\": "
          "[\"10.0.9.11\", \"10.0.9.12\", \"10.0.9.13\"]}",
      .group = "clusters",
      .tool_class = ToolClass::write,
      .input_schema = deploy_schema(true),
      .action = make_action(plan_create_cluster, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "import_cluster",
      .title = "Import a cluster",
      .description =
          "Registers an existing, running database cluster with ClusterControl (CMON job 'add_cluster') so "
          "that it is monitored, backed up and managed; nothing is installed or restarted. Needs SSH access "
          "to the hosts and the database admin credentials. Refused when the name is in use or a host "
          "already belongs to a cluster. Returns the job id, or follows it with wait=true.\nExample: "
          "{\"cluster_type\": \"replication\", \"vendor\": \"oracle\", \"cluster_name\": \"legacy-mysql\", "
          "\"nodes\": [\"10.0.9.21\", \"10.0.9.22\"], \"db_admin_user\": \"root\", \"db_admin_password\": "
          "\"...\"}",
      .group = "clusters",
      .tool_class = ToolClass::write,
      .input_schema = deploy_schema(false),
      .action = make_action(plan_import_cluster, ActionKind::job),
  });

  // ----- remove_cluster
  registry.add(ToolDefinition{
      .name = "remove_cluster",
      .title = "Remove a cluster",
      .description =
          "Unregisters a cluster from ClusterControl (CMON job 'remove_cluster'): the databases keep running "
          "but are no longer monitored, backed up or recovered; with remove_backups=true its backups are "
          "deleted as well. Destructive: the user is asked to confirm (or confirm=true when the client "
          "cannot "
          "ask); the confirmation says how many nodes and backups are concerned. import_cluster registers it "
          "again.\nExample: {\"cluster_name\": \"old-staging\", \"remove_backups\": false}",
      .group = "clusters",
      .tool_class = ToolClass::destructive,
      .input_schema =
          Schema()
              .cluster("the cluster to remove")
              .prop("remove_backups", s_boolean("Also delete the cluster's backups (default false: they stay "
                                                "on their storage)."))
              .build(),
      .action = make_action(plan_remove_cluster, ActionKind::job),
  });

  // ----- start / stop / rolling restart
  json stop_timeout = s_integer(
      "Seconds to wait for each node to shut down cleanly before CMON gives up (default: CMON's).", 1, 86400);
  registry.add(ToolDefinition{
      .name = "start_cluster",
      .title = "Start a cluster",
      .description =
          "Starts the database service on every stopped node of a cluster (CMON job 'start_cluster'), e.g. "
          "after stop_cluster or an outage. Refused when the cluster is already started with all nodes "
          "online. Galera: bootstrap=true bootstraps the cluster, donor names the node with the most recent "
          "data to start from. Returns the job id, or follows it with wait=true.\nExample: "
          "{\"cluster_name\": "
          "\"prod-galera\", \"bootstrap\": true, \"donor\": \"10.0.1.12\", \"wait\": true}",
      .group = "clusters",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster("the cluster to start")
              .prop("bootstrap", s_boolean("Galera only: bootstrap the cluster (a new primary component), "
                                           "needed when every node is down."))
              .prop("donor", s_string("Galera only: the node to start first, the one with the most recent "
                                      "data; the others sync from it. \"host\" or \"host:port\".",
                                      std::nullopt, 300))
              .build(),
      .action = make_action(plan_start_cluster, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "stop_cluster",
      .title = "Stop a cluster",
      .description =
          "Stops the database service on all nodes of a cluster (CMON job 'stop_cluster'): the whole cluster "
          "becomes unavailable until start_cluster. Destructive: asks the user to confirm (or confirm=true), "
          "and the backup guard refuses it when the cluster has no recent successful backup "
          "(override_backup_guard=true to proceed anyway). Refused when the cluster is already stopped. "
          "dry_run=true shows the job and what the checks say.\nExample: {\"cluster_id\": 3, "
          "\"maintenance_minutes\": 60, \"reason\": \"OS patching\"}",
      .group = "clusters",
      .tool_class = ToolClass::destructive,
      .input_schema =
          Schema()
              .cluster("the cluster to stop")
              .prop("stop_timeout_s", stop_timeout)
              .prop("maintenance_minutes",
                    s_integer("Put the cluster in maintenance for this many minutes (no alarms while it is "
                              "down).",
                              1, 10080))
              .prop("reason",
                    s_string("Why it is stopped (recorded with the maintenance period).", std::nullopt, 500))
              .build(),
      .action = make_action(plan_stop_cluster, ActionKind::job, BackupGuard::on),
  });
  registry.add(ToolDefinition{
      .name = "rolling_restart",
      .title = "Rolling restart",
      .description =
          "Restarts the nodes of a cluster one at a time (CMON job 'rolling_restart'), so the cluster stays "
          "available, e.g. to apply a configuration change. Refused while a node is down or the cluster is "
          "stopped (start it first), and while another topology job runs on the cluster. Returns the job "
          "id, or follows it with wait=true.\nExample: {\"cluster_name\": \"prod-galera\", \"wait\": true}",
      .group = "clusters",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster("the cluster to restart")
              .prop("stop_timeout_s", stop_timeout)
              .prop("initial_start", s_boolean("Galera only: resync each node from scratch (full SST) as it "
                                               "restarts."))
              .build(),
      .action = make_action(plan_rolling_restart, ActionKind::job),
  });

  // ----- read-only and auto-recovery
  registry.add(ToolDefinition{
      .name = "set_cluster_read_only",
      .title = "Cluster read-only on/off",
      .description =
          "Makes a whole cluster read-only or writable again (CMON jobs 'enable_cluster_readonly' / "
          "'disable_cluster_readonly'), e.g. before a migration or to stop writes during an incident. "
          "Replicas stay read-only either way. Refused when the cluster is already in the requested state. "
          "Returns the job id, or follows it with wait=true.\nExample: {\"cluster_id\": 2, \"read_only\": "
          "true, \"wait\": true}",
      .group = "clusters",
      .tool_class = ToolClass::write,
      .input_schema = Schema()
                          .cluster()
                          .prop("read_only", s_boolean("true: read-only; false: writable again."), true)
                          .build(),
      .action = make_action(plan_set_read_only, ActionKind::job),
  });
  registry.add(ToolDefinition{
      .name = "set_auto_recovery",
      .title = "Auto-recovery on/off",
      .description =
          "Turns ClusterControl's automatic recovery of a cluster on or off (CMON jobs 'enable_recovery' / "
          "'disable_recovery'; with scope=node only the node-level switch: 'enable_node_recovery' / "
          "'disable_node_recovery'). Turn it off before planned work that stops nodes, so CMON does not "
          "restart them behind your back, and on again afterwards. Refused when the switch is already in the "
          "requested state (get_cluster shows both switches).\nExample: {\"cluster_name\": \"prod-galera\", "
          "\"enabled\": false, \"reason\": \"planned maintenance\"}",
      .group = "clusters",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .prop("enabled", s_boolean("true: turn auto-recovery on; false: off."), true)
              .prop("scope", s_enum("\"cluster\" (default): the cluster auto-recovery switch; \"node\": node "
                                    "auto-recovery only.",
                                    {"cluster", "node"}))
              .prop("reason", s_string("Why (scope cluster; recorded by CMON).", std::nullopt, 500))
              .build(),
      .action = make_action(plan_set_auto_recovery, ActionKind::job),
  });

  // ----- tags
  json tag = s_string("A tag (no spaces, commas or slashes).", std::string("^[^\\s,/]+$"), 64);
  registry.add(ToolDefinition{
      .name = "tag_cluster",
      .title = "Tag a cluster",
      .description =
          "Adds and/or removes tags of a cluster (CMON /v2/tree appendTag / removeTag on /<cluster name>). "
          "Tags group clusters (list_clusters filters by tag). Tags the cluster already has (or lacks) are "
          "left alone; returns the tags after the change.\nExample: {\"cluster_name\": \"prod-galera\", "
          "\"add\": [\"pci\"], \"remove\": [\"staging\"]}",
      .group = "clusters",
      .tool_class = ToolClass::write,
      .input_schema = Schema()
                          .cluster()
                          .prop("add", s_array(tag, "Tags to add.", 20))
                          .prop("remove", s_array(tag, "Tags to remove.", 20))
                          .build(),
      .output_schema = o_obj({{"tool", o_str()},
                              {"status", o_str()},
                              {"summary", o_str()},
                              {"cluster_id", o_int()},
                              {"cluster_name", o_str()},
                              {"added", o_arr(o_str())},
                              {"removed", o_arr(o_str())},
                              {"tags", o_arr(o_str())},
                              {"dry_run", o_bool()}},
                             {"status", "summary"}),
      .action = make_action(plan_tag_cluster),
  });
}

}  // namespace cmon_mcp::tools
