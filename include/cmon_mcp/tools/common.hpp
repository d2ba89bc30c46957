// Shared pieces of every tool handler: schema builders, the common arguments (cluster and node selectors,
// paging, time windows, detail, format), tolerant reading of CMON replies, humanised output with a size
// cap, and CMON failures turned into actionable isError results.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmon_mcp/cmon/normalize.hpp"
#include "cmon_mcp/tools/tool.hpp"
#include "cmon_mcp/util/expected.hpp"

namespace cmon_mcp::tools {

// ---------------------------------------------------------------------------------------------------
// Input schemas. Every schema is an object with "properties" and additionalProperties:false, so a
// misspelt argument is refused by the dispatcher instead of silently ignored.

json s_integer(std::string description, std::optional<int64_t> min = {}, std::optional<int64_t> max = {});
json s_number(std::string description, std::optional<double> min = {}, std::optional<double> max = {});
json s_string(std::string description, std::optional<std::string> pattern = {}, size_t max_length = 256);
json s_enum(std::string description, std::vector<std::string> values);
json s_boolean(std::string description);
json s_array(json items, std::string description, size_t max_items = 100);

class Schema {
 public:
  Schema& prop(std::string name, json schema, bool required = false);
  // cluster_id / cluster_name. Which one is present is checked by the handler (see resolve_cluster):
  // top-level anyOf is not understood by every client.
  Schema& cluster(std::string what = "the cluster");
  Schema& node(bool required, std::string what = "the node");
  Schema& paging(int64_t default_limit = 20, int64_t max_limit = 200);
  Schema& time_window(std::string default_since);
  Schema& detail();
  Schema& format();
  json build() const;

 private:
  json props_ = json::object();
  std::vector<std::string> required_;
};

// Output schemas: objects whose listed keys have the given types; extra keys are allowed.
json o_obj(json properties, std::vector<std::string> required = {});
json o_int();
json o_num();
json o_str();
json o_bool();
json o_opt_int();  // integer or null
json o_arr(json items);
// A paged list result: {<key>: [items], total, offset, returned, next_offset, truncated}.
json o_page(const std::string& key, json item);

// ---------------------------------------------------------------------------------------------------
// Tolerant reading of CMON replies (cmon-rpc-v2.md §17) lives in cmon/normalize.hpp; tools use it
// unqualified.

using cmon::get_bool;
using cmon::get_double;
using cmon::get_int;
using cmon::get_list;
using cmon::get_list_refs;
using cmon::get_object;
using cmon::get_string;
using cmon::icontains;
using cmon::iequals;
using cmon::lower;
using cmon::strip_html;
using cmon::upper;

// ---------------------------------------------------------------------------------------------------
// Time.

using SysTime = std::chrono::system_clock::time_point;

// ISO 8601 ("2025-03-01T10:00:00Z", "2025-03-01T12:00:00.5+02:00", "2025-03-01 10:00", "2025-03-01"),
// "now", or a relative span back from `now` ("90s", "15m", "1h", "7d", "2w").
Expected<SysTime, std::string> parse_time(std::string_view text, SysTime now);
// A duration like "15m", "2h", "1d" (no sign).
Expected<std::chrono::seconds, std::string> parse_span(std::string_view text);
std::string iso_utc(SysTime t);  // 2025-03-01T10:00:00Z
// A CMON timestamp (ISO string or epoch seconds) normalised; nullopt when unset.
std::optional<SysTime> cmon_time(const json& value);
// cmon_time rendered with iso_utc, "" when unset.
std::string cmon_ts(const json& obj, std::string_view key);

struct TimeWindow {
  SysTime since;
  SysTime until;
};
// since/until arguments; since defaults to `default_since` before now, until to now.
Expected<TimeWindow, std::string> time_window_of(const json& args, std::string_view default_since,
                                                 SysTime now);

// ---------------------------------------------------------------------------------------------------
// Humanising.

std::string human_bytes(double bytes);       // "1.2 GiB"
std::string human_duration(double seconds);  // "4m 43s", "2d 3h"
std::string human_percent(double fraction);  // 0.4213 -> "42.1%"
std::string fixed(double v, int decimals);

// ---------------------------------------------------------------------------------------------------
// Common arguments.

enum class Detail { concise, full };
Detail detail_of(const json& args);
bool json_format(const json& args);

struct Paging {
  int64_t limit = 20;
  int64_t offset = 0;
};
Paging paging_of(const json& args, int64_t default_limit = 20);
// {total, offset, returned, next_offset (null at the end), truncated:false}
json page_info(int64_t total, const Paging& page, size_t returned);
// Applies limit/offset to an array that CMON returned whole, writing `key` and the page fields into
// `out`.
void page_array(json& out, const std::string& key, json items, const Paging& page);

// ---------------------------------------------------------------------------------------------------
// Results.

// Claude Code refuses results above 25,000 tokens; 16 KB of text leaves room for structuredContent.
inline constexpr size_t kTextCap = 16 * 1024;
inline constexpr size_t kStructuredCap = 64 * 1024;

// Cuts `text` at a line boundary below `cap` and appends a note saying how to get the rest.
std::string cap_text(std::string text, size_t cap, std::string_view how_to_get_more);

// The success result: text (or, with format=json, the structured object as JSON) within kTextCap, and
// structuredContent. When `list_key` names an array in `structured` that makes it larger than
// kStructuredCap, trailing items are dropped and truncated/next_offset say so.
ToolResult respond(const json& args, std::string text, json structured, const std::string& list_key = "");

// A CMON failure as an isError result: "Could not <doing>: <cmon::describe()>". `doing` is what the tool
// tried ("list backups of cluster 3").
ToolResult cmon_failure(const cmon::Error& e, std::string_view doing);

// One CMON call with its failure already turned into a ToolResult.
awaitable<Expected<json, ToolResult>> call(ToolContext& ctx, std::string_view path,
                                           std::string_view operation, json fields, std::string_view doing,
                                           cmon::CallOptions options = {});

// ---------------------------------------------------------------------------------------------------
// Clusters and nodes.

// What a tool needs to adapt to the database product behind a cluster.
enum class Family { mysql, galera, postgres, mongo, mssql, redis, elastic, clickhouse, other };
Family family_of(std::string_view cluster_type, std::string_view vendor);
const char* family_name(Family f);

struct Cluster {
  int64_t id = 0;
  std::string name;
  std::string type;  // upper case as CMON replies
  std::string vendor;
  std::string version;
  std::string state;
  Family family = Family::other;
  json info = json::object();  // the CMON cluster object
};
Cluster cluster_from(const json& info);

// Resolves cluster_id / cluster_name (case-insensitive; close matches listed when unknown or
// ambiguous) and fetches the cluster with getClusterInfo plus `extra` flags (with_hosts, ...). `parts`
// (of the getClusterInfo reply: {"cluster": {...}}) limits Cluster::info to what the caller reads.
awaitable<Expected<Cluster, ToolResult>> resolve_cluster(ToolContext& ctx, const json& args,
                                                         json extra = json::object(),
                                                         const cmon::ReplyParts* parts = nullptr);
// The same when the selector is optional: nullopt when neither cluster_id nor cluster_name was given.
awaitable<Expected<std::optional<Cluster>, ToolResult>> resolve_optional_cluster(
    ToolContext& ctx, const json& args, json extra = json::object(), const cmon::ReplyParts* parts = nullptr);
// Levenshtein distance (case-sensitive; lower both sides for a case-insensitive one).
size_t edit_distance(std::string_view a, std::string_view b);
// Up to `max` names among `known` that look like `want`, closest first: a small edit distance (case
// ignored) or one containing the other. For "did you mean" lists in error messages.
std::vector<std::string> close_matches(const std::string& want, const std::vector<std::string>& known,
                                       size_t max = 8);
// The port a product listens on by default (3306, 5432, 27017, 1433, 6379, 9200, 9000); 0 when unknown.
int64_t default_port(Family f);

// Pure part of name resolution, for tests: the cluster object among `clusters` named `name`, or the
// message listing close matches.
Expected<json, std::string> match_cluster_name(const json& clusters, std::string_view name);

// Hosts of a cluster object; the controller entry is left out unless asked for.
std::vector<json> cluster_hosts(const json& cluster_info, bool with_controller = false);
std::string host_label(const json& host);  // "10.0.0.11:3306"
bool host_online(const json& host);
// The host named by "host" or "host:port" ("[v6]:port" too); the port defaults from the cluster's hosts.
// An unknown or ambiguous node is answered with the cluster's node list.
Expected<json, std::string> find_node(const Cluster& cluster, std::string_view selector);

// Normalised summaries shared by the cluster, node and health tools, with their output schemas.
json node_summary(const json& host);
json node_summary_schema();
std::string node_line(
    const json& summary);  // "10.0.0.11:3306 galera/master Online, v8.0.36 — Up and running."
json cluster_summary(const json& info);
json cluster_summary_schema();
// What node_summary() and cluster_summary() read of a CMON host or cluster object, as util::JsonKeep
// specs: a tool that shows no raw object asks CMON's reply for only these (cmon::ReplyParts). The
// summaries of the captured and simulated replies are checked to be the same either way.
const json& node_summary_reads();
const json& cluster_summary_reads();
std::string cluster_line(const json& summary);
// Replication state of one host in its product's terms ({node, role, source, lag_s, io_running, sql_running,
// state, galera_status, cluster_size, error} as they apply), or null when the host does not replicate.
json replication_of(const json& host, Family family);

// ---------------------------------------------------------------------------------------------------
// Jobs.

// The job's command (job_spec.command), "" for free-text specs.
std::string job_command(const json& job);
// Seconds between started (or created) and ended (or now).
double job_duration_s(const json& job, SysTime now);

struct JobWait {
  json job;               // last getJobInstance job object
  json messages;          // job log tail, failures and warnings first
  bool finished = false;  // terminal state reached
  bool timed_out = false;
  bool cancelled = false;
  double waited_s = 0;
};
// Polls getJobInstance until the job ends, `timeout` passes or the request is cancelled, reporting
// CMON's percentage and latest message through ToolHost::progress. Used by wait_for_job and by W
// tools that take wait=true.
awaitable<Expected<JobWait, ToolResult>> wait_job(
    ToolContext& ctx, int64_t job_id, std::chrono::seconds timeout,
    std::chrono::milliseconds poll = std::chrono::milliseconds(2000));
// The last `tail` job messages, failures first then warnings then the rest, each in time order.
json job_log_tail(const json& messages, size_t tail);
// One text line per job message: "2025-03-01T10:05:01Z FAILED  text".
std::string render_job_messages(const json& messages);

}  // namespace cmon_mcp::tools
