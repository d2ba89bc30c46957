// Resources read CMON on demand (nothing is cached, so a read is always current); prompts encode the
// workflows DBAs ask for and name the tools to use.
#include "cmon_mcp/app/catalogue.hpp"

#include <algorithm>
#include <cctype>

#include "cmon_mcp/cmon/errors.hpp"
#include "cmon_mcp/cmon/normalize.hpp"

namespace cmon_mcp::app {

namespace {

using nlohmann::json;

mcp::ProviderError cmon_failure(const cmon::Error& e) {
  return {-32603, cmon::describe(e), nullptr};
}

mcp::ProviderError not_found(const std::string& uri) {
  return {-32002, "Resource not found", json{{"uri", uri}}};
}

json text_contents(const std::string& uri, const json& body) {
  return json{{"contents",
               json::array({json{{"uri", uri}, {"mimeType", "application/json"}, {"text", body.dump(2)}}})}};
}

// A positive integer path segment, or nullopt.
std::optional<long long> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool starts_with_ci(const std::string& text, const std::string& prefix) {
  if (prefix.size() > text.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// Cluster names (or ids) starting with `prefix`, for completion.
awaitable<std::vector<std::string>> cluster_values(cmon::Api& api, std::string prefix, bool ids) {
  json fields = json::object();
  cmon::Result<json> r = co_await api.call("/v2/clusters", "getAllClusterInfo", std::move(fields));
  std::vector<std::string> out;
  if (!r) co_return out;
  for (const auto& c : cmon::get_list(*r, "clusters")) {
    std::string v =
        ids ? std::to_string(cmon::get_int(c, "cluster_id")) : cmon::get_string(c, "cluster_name");
    if (!v.empty() && starts_with_ci(v, prefix)) out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  co_return out;
}

class CmonResources final : public mcp::ResourceProvider {
 public:
  awaitable<std::vector<json>> list(cmon::Api&) override {
    co_return std::vector<json>{
        json{{"uri", "cmon://clusters"},
             {"name", "clusters"},
             {"title", "Clusters"},
             {"description", "Every cluster the controller manages, with hosts (JSON)"},
             {"mimeType", "application/json"}}};
  }

  std::vector<json> templates() const override {
    return {json{{"uriTemplate", "cmon://clusters/{id}"},
                 {"name", "cluster"},
                 {"title", "One cluster"},
                 {"description", "A cluster with its hosts, by cluster id (JSON)"},
                 {"mimeType", "application/json"}},
            json{{"uriTemplate", "cmon://jobs/{id}/log"},
                 {"name", "job-log"},
                 {"title", "Job log"},
                 {"description", "The messages of a ClusterControl job, by job id (JSON)"},
                 {"mimeType", "application/json"}}};
  }

  awaitable<Expected<json, mcp::ProviderError>> read(cmon::Api& api, std::string uri) override {
    const std::string scheme = "cmon://";
    if (uri.rfind(scheme, 0) != 0) co_return unexpected(not_found(uri));
    std::string path = uri.substr(scheme.size());
    if (path == "clusters") {
      json fields{{"with_hosts", true}};
      cmon::Result<json> r = co_await api.call("/v2/clusters", "getAllClusterInfo", std::move(fields));
      if (!r) co_return unexpected(cmon_failure(r.error()));
      co_return text_contents(uri, json{{"clusters", cmon::get_list(*r, "clusters")}});
    }
    if (path.rfind("clusters/", 0) == 0) {
      auto id = parse_id(std::string_view(path).substr(9));
      if (!id) co_return unexpected(not_found(uri));
      json fields{{"cluster_id", *id}, {"with_hosts", true}};
      cmon::Result<json> r = co_await api.call("/v2/clusters", "getClusterInfo", std::move(fields));
      if (!r) {
        if (r.error().code == cmon::Errc::not_found) co_return unexpected(not_found(uri));
        co_return unexpected(cmon_failure(r.error()));
      }
      co_return text_contents(uri, r->value("cluster", json::object()));
    }
    if (path.rfind("jobs/", 0) == 0 && path.size() > 9 && path.substr(path.size() - 4) == "/log") {
      auto id = parse_id(std::string_view(path).substr(5, path.size() - 9));
      if (!id) co_return unexpected(not_found(uri));
      json fields{{"job_id", *id}, {"limit", 500}, {"ascending", true}};
      cmon::Result<json> r = co_await api.call("/v2/jobs", "getJobLog", std::move(fields));
      if (!r) {
        if (r.error().code == cmon::Errc::not_found) co_return unexpected(not_found(uri));
        co_return unexpected(cmon_failure(r.error()));
      }
      json messages = json::array();
      for (const auto& m : cmon::get_list(*r, "messages"))
        messages.push_back(json{{"created", cmon::get_string(m, "created")},
                                {"status", cmon::get_string(m, "message_status")},
                                {"text", cmon::strip_html(cmon::get_string(m, "message_text"))}});
      co_return text_contents(uri, json{{"job_id", *id}, {"messages", messages}});
    }
    co_return unexpected(not_found(uri));
  }

  bool subscribable(const std::string& uri) const override { return uri.rfind("cmon://", 0) == 0; }

  awaitable<std::vector<std::string>> complete(cmon::Api& api, std::string uri_template, std::string argument,
                                               std::string prefix) override {
    if (uri_template == "cmon://clusters/{id}" && argument == "id")
      co_return co_await cluster_values(api, prefix, true);
    co_return std::vector<std::string>{};
  }
};

struct PromptSpec {
  std::string name, title, description;
  bool needs_cluster;
  std::string (*body)(const std::string& cluster);
};

const std::vector<PromptSpec>& prompt_specs() {
  static const std::vector<PromptSpec> specs = {
      {"diagnose_cluster", "Diagnose a cluster",
       "Find out why a cluster is degraded or failing, and what to do.", true,
       [](const std::string& c) {
         return "Cluster '" + c +
                "' may be unhealthy. Diagnose it step by step with the cmon tools:\n"
                "1. get_cluster_health for a verdict, offline nodes, critical alarms, failed jobs, "
                "replication lag.\n"
                "2. list_alarms and get_alarm for each critical alarm's message and recommendation.\n"
                "3. list_nodes and get_replication_status for the topology and lagging or broken replicas.\n"
                "4. get_cluster_log (severity warning and worse, last 24h) and get_recent_changes (last 6h) "
                "for what "
                "happened before it broke; get_job_log for any failed job.\n"
                "Report: the cause as far as the evidence shows, the impact, and the safest next steps. Do "
                "not run tools "
                "that change state without asking me first.";
       }},
      {"backup_health_review", "Backup health review",
       "Check that every cluster has recent, verified backups.", false,
       [](const std::string&) {
         return std::string(
             "Review the backups of every cluster with the cmon tools: list_clusters, then for each cluster "
             "list_backups (newest first) and list_backup_schedules. Flag clusters with no successful backup "
             "in the "
             "last 24 hours, failed recent backups, backups never verified, and clusters without a schedule. "
             "Finish "
             "with a table: cluster, last good backup (age, method, size), schedule, verification, and a "
             "verdict.");
       }},
      {"slow_database", "Slow database", "Find the cause of slowness on a cluster.", true,
       [](const std::string& c) {
         return "Users say cluster '" + c +
                "' is slow. Investigate with the cmon tools: get_top_queries (by total time), "
                "list_running_queries "
                "(long-running and blocked first), get_db_stats and get_host_stats for the last hour (CPU, "
                "iowait, "
                "memory, disk), get_replication_status for lag, and get_recent_changes for recent "
                "configuration "
                "changes or restarts. Name the most likely cause with its evidence and suggest fixes, most "
                "effective "
                "first. Change nothing without asking me.";
       }},
      {"capacity_review", "Capacity review",
       "Disk, memory and growth of a cluster, and when it will run out.", true,
       [](const std::string& c) {
         return "Review the capacity of cluster '" + c +
                "' with the cmon tools: get_disk_stats and get_memory_stats over the last 7 days, "
                "get_cpu_stats, "
                "and get_database_growth for the growth per database. Estimate when disk space runs out at "
                "the "
                "current growth, point out nodes near their limits, and recommend actions with their "
                "urgency.";
       }},
  };
  return specs;
}

class DbaPrompts final : public mcp::PromptProvider {
 public:
  std::vector<json> list() const override {
    std::vector<json> out;
    for (const auto& p : prompt_specs()) {
      json prompt{{"name", p.name}, {"title", p.title}, {"description", p.description}};
      prompt["arguments"] = json::array();
      if (p.needs_cluster)
        prompt["arguments"].push_back(json{{"name", "cluster"},
                                           {"description", "cluster name or id (see list_clusters)"},
                                           {"required", true}});
      out.push_back(std::move(prompt));
    }
    return out;
  }

  awaitable<Expected<json, mcp::ProviderError>> get(cmon::Api&, std::string name, json arguments) override {
    for (const auto& p : prompt_specs()) {
      if (p.name != name) continue;
      std::string cluster;
      if (p.needs_cluster) {
        auto it = arguments.find("cluster");
        if (it == arguments.end() || !it->is_string() || it->get<std::string>().empty())
          co_return unexpected(
              mcp::ProviderError{-32602, "prompt " + name + " needs the argument 'cluster'", nullptr});
        cluster = it->get<std::string>();
      }
      json message{{"role", "user"}, {"content", json{{"type", "text"}, {"text", p.body(cluster)}}}};
      co_return json{{"description", p.description}, {"messages", json::array({message})}};
    }
    co_return unexpected(mcp::ProviderError{-32602, "Unknown prompt: " + name, nullptr});
  }

  awaitable<std::vector<std::string>> complete(cmon::Api& api, std::string, std::string argument,
                                               std::string prefix) override {
    if (argument == "cluster") co_return co_await cluster_values(api, prefix, false);
    co_return std::vector<std::string>{};
  }
};

}  // namespace

std::shared_ptr<mcp::ResourceProvider> make_cmon_resources() {
  return std::make_shared<CmonResources>();
}
std::shared_ptr<mcp::PromptProvider> make_dba_prompts() {
  return std::make_shared<DbaPrompts>();
}

}  // namespace cmon_mcp::app
