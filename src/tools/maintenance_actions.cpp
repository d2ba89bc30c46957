// Catalogue B.11 (maintenance), state-changing side: planners run by the safety pipeline (action.cpp).
// A maintenance window (cmon-rpc-v2.md §13) is a period on a cluster or on one host during which CMON
// mutes alarms and automatic recovery; addMaintenance opens one, removeMaintenance deletes one by UUID.
#include <algorithm>
#include <cctype>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

using std::chrono::seconds;

// Longer windows are almost always a typo (a "30d" meant as "30m"), and they mute alarms for that long.
constexpr seconds kMaxWindow{31 * 86400};

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

// CMON's timestamp form, as in §13: 2025-03-02T01:00:00.000Z. CMON compares these as text, so the form
// matters: the milliseconds keep them comparable with the ones CMON writes itself.
std::string cmon_iso(SysTime t) {
  std::string s = iso_utc(t);
  s.insert(s.size() - 1, ".000");
  return s;
}

std::string span_text(seconds s) {
  return human_duration(static_cast<double>(s.count()));
}

// One maintenance period with its target.
struct Window {
  std::string uuid;
  int64_t cluster_id = 0;  // cluster windows
  std::string cluster_name;
  std::string hostname;  // node (host) windows
  std::optional<SysTime> initiate;
  std::optional<SysTime> deadline;
  std::string reason;
  std::string user;

  std::string target() const {
    if (!hostname.empty()) return "node " + hostname;
    return "cluster " + (cluster_name.empty() ? "#" + std::to_string(cluster_id) : cluster_name) + " (id " +
           std::to_string(cluster_id) + ")";
  }
  bool active(SysTime now) const { return initiate && *initiate <= now && (!deadline || now < *deadline); }
  bool over(SysTime now) const { return deadline && *deadline <= now; }
  std::string line() const {
    std::string s = target() + " from " + (initiate ? iso_utc(*initiate) : "?") + " to " +
                    (deadline ? iso_utc(*deadline) : "?");
    if (!reason.empty()) s += ": " + reason;
    return s + " [window_id " + uuid + "]";
  }
  json summary(SysTime now) const {
    return json{{"window_id", uuid},
                {"target", target()},
                {"initiate", initiate ? iso_utc(*initiate) : ""},
                {"deadline", deadline ? iso_utc(*deadline) : ""},
                {"reason", reason},
                {"active", active(now)}};
  }
};

// Every window CMON knows that has not ended yet (clusters and hosts).
awaitable<Expected<std::vector<Window>, ToolResult>> fetch_windows(ToolContext& ctx, SysTime now) {
  json fields = json::object();
  auto r = co_await call(ctx, "/v2/maintenance", "getMaintenance", std::move(fields),
                         "read the maintenance windows");
  if (!r) co_return unexpected(std::move(r.error()));
  std::vector<Window> out;
  for (const auto& rec : get_list(*r, "maintenance_records")) {
    json cluster = get_object(rec, "cluster");
    for (const auto& p : get_list(rec, "maintenance_periods")) {
      Window w;
      w.uuid = get_string(p, "UUID");
      w.hostname = get_string(rec, "hostname");
      w.cluster_id = get_int(cluster, "cluster_id", get_int(rec, "cluster_id", get_int(p, "cluster_id")));
      w.cluster_name = get_string(cluster, "cluster_name");
      w.initiate = cmon_time(p.value("initiate", json()));
      w.deadline = cmon_time(p.value("deadline", json()));
      w.reason = strip_html(get_string(p, "reason"));
      w.user = get_string(p, "username");
      if (!w.uuid.empty() && !w.over(now)) out.push_back(std::move(w));
    }
  }
  co_return out;
}

// The target the arguments name: a node of the cluster (its host) or the cluster itself.
struct Target {
  Cluster cluster;
  std::string hostname;  // "" for the cluster
  std::string label;     // "node 10.0.1.11 of cluster prod-galera (id 1)"

  bool matches(const Window& w) const {
    if (!hostname.empty()) return w.hostname == hostname;
    return w.hostname.empty() && w.cluster_id == cluster.id;
  }
};

awaitable<Expected<Target, ToolResult>> resolve_target(ToolContext& ctx, const json& args) {
  json extra{{"with_hosts", true}};
  auto c = co_await resolve_cluster(ctx, args, std::move(extra));
  if (!c) co_return unexpected(std::move(c.error()));
  Target t{std::move(*c), "", ""};
  if (args.contains("node")) {
    auto h = find_node(t.cluster, args.value("node", std::string()));
    if (!h) co_return unexpected(ToolResult::error(h.error()));
    t.hostname = get_string(*h, "hostname", get_string(*h, "ip"));
    t.label = "node " + t.hostname + " of " + cluster_label(t.cluster);
  } else {
    t.label = cluster_label(t.cluster);
  }
  co_return t;
}

// start: "now" (default), an ISO 8601 time, or a span from now ("2h", "+2h", "in 2h").
Expected<SysTime, std::string> parse_start(std::string text, SysTime now) {
  std::string s = lower(text);
  s.erase(s.begin(), std::find_if(s.begin(), s.end(),
                                  [](char ch) { return !std::isspace(static_cast<unsigned char>(ch)); }));
  if (s.empty() || s == "now") return now;
  if (s.size() >= 10 && s[4] == '-') {
    auto t = parse_time(s, now);
    if (!t) return unexpected("start: " + t.error());
    return *t;
  }
  if (s.find("ago") != std::string::npos)
    return unexpected("start: '" + text +
                      "' lies in the past; give now, an ISO time or a span from now like 2h");
  if (s.rfind("in ", 0) == 0) s = s.substr(3);
  if (!s.empty() && s[0] == '+') s = s.substr(1);
  auto span = parse_span(s);
  if (!span)
    return unexpected("start: cannot read '" + text +
                      "': use now, ISO 8601 UTC like 2025-03-01T22:00:00Z, or a span from now like 2h");
  return now + *span;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_schedule_maintenance(ToolContext& ctx, const json& args) {
  const SysTime now = std::chrono::floor<seconds>(std::chrono::system_clock::now());
  auto start = parse_start(args.value("start", std::string("now")), now);
  if (!start) co_return unexpected(ToolResult::error(start.error()));
  const SysTime initiate = std::chrono::floor<seconds>(*start);
  if (args.contains("duration") && args.contains("end"))
    co_return unexpected(
        ToolResult::error("give either duration (e.g. \"1h\") or end (an ISO time), not both"));
  SysTime deadline = initiate + std::chrono::hours(1);
  if (args.contains("duration")) {
    auto span = parse_span(args.value("duration", std::string()));
    if (!span) co_return unexpected(ToolResult::error("duration: " + span.error()));
    if (span->count() < 60)
      co_return unexpected(ToolResult::error("duration: a maintenance window lasts at least 1 minute"));
    deadline = initiate + *span;
  } else if (args.contains("end")) {
    std::string end_text = args.value("end", std::string());
    if (end_text.size() < 10 || end_text[4] != '-')
      co_return unexpected(ToolResult::error("end: '" + end_text +
                                             "' is not an ISO 8601 time like 2025-03-01T23:00:00Z; for a "
                                             "length use duration (\"90m\")"));
    auto end = parse_time(end_text, now);
    if (!end) co_return unexpected(ToolResult::error("end: " + end.error()));
    deadline = std::chrono::floor<seconds>(*end);
  }
  if (deadline <= initiate)
    co_return unexpected(ToolResult::error("the window ends (" + iso_utc(deadline) + ") before it starts (" +
                                           iso_utc(initiate) + ")"));
  if (deadline <= now)
    co_return unexpected(
        ToolResult::error("the window would be over already (it ends " + iso_utc(deadline) + ")"));
  if (deadline - initiate > kMaxWindow)
    co_return unexpected(ToolResult::error(
        "a window of " + span_text(std::chrono::duration_cast<seconds>(deadline - initiate)) +
        " is longer than the 31 days cmon-mcp accepts: alarms and recovery would stay muted that long"));
  std::string reason = args.value("reason", std::string());
  reason.erase(0, reason.find_first_not_of(" \t\r\n"));
  reason.erase(reason.find_last_not_of(" \t\r\n") + 1);
  if (reason.empty())
    co_return unexpected(ToolResult::error("reason: say why (it is shown to everyone who sees the window)"));

  auto t = co_await resolve_target(ctx, args);
  if (!t) co_return unexpected(std::move(t.error()));
  auto windows = co_await fetch_windows(ctx, now);
  if (!windows) co_return unexpected(std::move(windows.error()));
  for (const auto& w : *windows) {
    if (!t->matches(w) || !w.initiate || !w.deadline) continue;
    if (*w.initiate < deadline && initiate < *w.deadline)
      co_return unexpected(ToolResult::error(t->label +
                                             " already has an overlapping maintenance window: " + w.line() +
                                             ". End it first with end_maintenance {\"window_id\": \"" +
                                             w.uuid + "\"}, or choose a time outside it."));
  }

  ActionPlan plan;
  plan.cluster = t->cluster;
  json fields = json::object();
  if (t->hostname.empty())
    fields["cluster_id"] = t->cluster.id;
  else
    fields["hostname"] = t->hostname;
  fields["initiate"] = cmon_iso(initiate);
  fields["deadline"] = cmon_iso(deadline);
  fields["reason"] = reason;
  plan.requests.push_back(CmonRequest{"/v2/maintenance", "addMaintenance", std::move(fields), {}});
  const std::string length = span_text(std::chrono::duration_cast<seconds>(deadline - initiate));
  plan.summary = "Put " + t->label + " in maintenance from " + iso_utc(initiate) + " to " +
                 iso_utc(deadline) + " (" + length + "): " + reason;
  Window w;
  w.hostname = t->hostname;
  w.cluster_id = t->cluster.id;
  w.cluster_name = t->cluster.name;
  w.initiate = initiate;
  w.deadline = deadline;
  w.reason = reason;
  const std::string label = t->label;
  plan.on_done = [w, label, length](const ActionPlan& p, const std::vector<json>& replies) mutable {
    w.uuid = get_string(replies.empty() ? json::object() : replies[0], "UUID");
    const SysTime when = std::chrono::system_clock::now();
    json out = action_result_base("schedule_maintenance", p, "done");
    out.update(w.summary(when));
    std::string text = "Done: " + label +
                       (w.active(when) ? " is in maintenance now, until "
                                       : " goes into maintenance at " + iso_utc(*w.initiate) + ", until ") +
                       iso_utc(*w.deadline) + " (" + length +
                       "). Alarms and automatic recovery are muted meanwhile.\n";
    text +=
        "window_id: " + w.uuid + " (end_maintenance {\"window_id\": \"" + w.uuid + "\"} ends it early).\n";
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

std::string window_list(const std::vector<Window>& ws) {
  std::string out;
  for (const auto& w : ws) out += "\n- " + w.line();
  return out;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_end_maintenance(ToolContext& ctx, const json& args) {
  const SysTime now = std::chrono::system_clock::now();
  const std::string id = args.value("window_id", std::string());
  const bool has_cluster = args.contains("cluster_id") || args.contains("cluster_name");
  if (id.empty() && !has_cluster)
    co_return unexpected(ToolResult::error(
        "say which window to end: window_id (from list_maintenance), or cluster_id/cluster_name (and node) "
        "to end the window in force on that cluster or node"));
  if (!id.empty() && !is_uuid(id))
    co_return unexpected(
        ToolResult::error("window_id '" + id +
                          "' is not a window id (a UUID like "
                          "8b1d0c6e-2f4a-4e7b-9d3c-5a6b7c8d9e0f; list_maintenance shows them)"));
  if (!has_cluster && args.contains("node"))
    co_return unexpected(ToolResult::error("node needs cluster_id or cluster_name"));

  std::optional<Target> target;
  if (has_cluster) {
    auto t = co_await resolve_target(ctx, args);
    if (!t) co_return unexpected(std::move(t.error()));
    target = std::move(*t);
  }
  auto windows = co_await fetch_windows(ctx, now);
  if (!windows) co_return unexpected(std::move(windows.error()));

  std::optional<Window> chosen;
  if (!id.empty()) {
    for (const auto& w : *windows)
      if (iequals(w.uuid, id)) chosen = w;
    if (!chosen)
      co_return unexpected(ToolResult::error("there is no current or future maintenance window " + id +
                                             " (it may have ended already); list_maintenance shows the "
                                             "windows"));
    if (target) {
      bool belongs = target->matches(*chosen);
      if (!belongs && target->hostname.empty())
        for (const auto& h : cluster_hosts(target->cluster.info))
          if (get_string(h, "hostname") == chosen->hostname && !chosen->hostname.empty()) belongs = true;
      if (!belongs)
        co_return unexpected(ToolResult::error("window " + id + " is on " + chosen->target() + ", not on " +
                                               target->label +
                                               "; leave the cluster/node out to end it anyway"));
    }
  } else {
    std::vector<Window> active, future, on_cluster;
    for (const auto& w : *windows) {
      if (target->matches(w)) (w.active(now) ? active : future).push_back(w);
      if (!target->hostname.empty() && w.hostname.empty() && w.cluster_id == target->cluster.id &&
          w.active(now))
        on_cluster.push_back(w);
    }
    if (active.size() > 1)
      co_return unexpected(ToolResult::error(
          target->label + " has " + std::to_string(active.size()) +
          " maintenance windows in force; say which to end with window_id:" + window_list(active)));
    if (active.empty()) {
      std::string msg = target->label + " is not in maintenance now.";
      if (!future.empty()) msg += " Scheduled window(s), which window_id cancels:" + window_list(future);
      if (!on_cluster.empty())
        msg += "\nIts cluster is in maintenance: end_maintenance {\"cluster_id\": " +
               std::to_string(target->cluster.id) + "} ends that window:" + window_list(on_cluster);
      co_return unexpected(ToolResult::error(msg));
    }
    chosen = active.front();
  }

  ActionPlan plan;
  if (target) plan.cluster = target->cluster;
  json fields = json::object();
  fields["UUID"] = chosen->uuid;
  plan.requests.push_back(CmonRequest{"/v2/maintenance", "removeMaintenance", std::move(fields), {}});
  const bool was_active = chosen->active(now);
  plan.summary = std::string(was_active ? "End" : "Cancel") + " the maintenance window of " +
                 chosen->target() + " (" + (chosen->initiate ? iso_utc(*chosen->initiate) : "?") + " to " +
                 (chosen->deadline ? iso_utc(*chosen->deadline) : "?") +
                 (chosen->reason.empty() ? "" : ": " + chosen->reason) + ")";
  if (was_active) plan.effect = "Alarms and automatic recovery of " + chosen->target() + " resume at once.";
  Window w = *chosen;
  plan.on_done = [w, was_active](const ActionPlan& p, const std::vector<json>&) {
    json out = action_result_base("end_maintenance", p, "done");
    out.update(w.summary(std::chrono::system_clock::now()));
    out["active"] = false;
    out["was_active"] = was_active;
    std::string text = "Done: " + std::string(was_active ? "ended" : "cancelled") +
                       " the maintenance window " + w.line() + ".\n";
    if (was_active) text += "Alarms and automatic recovery of " + w.target() + " are back on.\n";
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
  co_return plan;
}

}  // namespace

void register_maintenance_actions(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "schedule_maintenance",
      .title = "Schedule maintenance",
      .description =
          "Opens a maintenance window on a cluster or on one of its nodes (CMON addMaintenance): during it "
          "CMON mutes alarms and automatic recovery, e.g. before restarting or patching a node. Starts now "
          "by default and lasts duration (default 1h) or until end. Refused when the target already has an "
          "overlapping window. Returns the window_id that end_maintenance takes. Changes state.\nExample: "
          "{\"cluster_id\": 1, \"node\": \"10.0.1.12\", \"duration\": \"1h\", \"reason\": \"kernel "
          "patching\"}",
      .group = "maintenance",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .cluster()
              .node(false,
                    "A node of the cluster to put in maintenance alone (leave out for the whole cluster)")
              .prop("start", s_string("When the window starts: \"now\" (default), ISO 8601 UTC "
                                      "(\"2025-03-01T22:00:00Z\"), or a span from now (\"2h\").",
                                      std::nullopt, 64))
              .prop("duration", s_string("How long it lasts: \"30m\", \"1h\", \"2d\" (default 1h, at most 31 "
                                         "days). Alternative to end.",
                                         std::nullopt, 32))
              .prop("end", s_string("When it ends, ISO 8601 UTC. Alternative to duration.", std::nullopt, 64))
              .prop("reason", s_string("Why, shown to everyone who sees the window.", std::nullopt, 500),
                    true)
              .build(),
      .action = make_action(plan_schedule_maintenance),
  });
  registry.add(ToolDefinition{
      .name = "end_maintenance",
      .title = "End maintenance",
      .description =
          "Ends a maintenance window (CMON removeMaintenance) so that alarms and automatic recovery resume; "
          "a future window is cancelled. Name it by window_id (from list_maintenance or "
          "schedule_maintenance), or by cluster (and node) to end the window in force there; when several "
          "are in force they are listed and window_id picks one. Changes state.\nExample: {\"cluster_id\": "
          "1, \"node\": \"10.0.1.12\"}",
      .group = "maintenance",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .prop("window_id",
                    s_string("The window's id (UUID) as list_maintenance shows it.",
                             "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
                             36))
              .cluster("the cluster in maintenance")
              .node(false, "The node in maintenance (with the cluster)")
              .build(),
      .action = make_action(plan_end_maintenance),
  });
}

}  // namespace cmon_mcp::tools
