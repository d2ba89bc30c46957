// Log tools (catalogue B.10): get_cluster_log, get_log_entry, get_audit_log; and get_recent_changes, a
// time-ordered digest of what changed in a window (jobs, alarms, node and cluster state changes,
// configuration and other audited changes) read from four CMON operations concurrently.
#include <algorithm>
#include <array>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "cmon_mcp/cmon/errors.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

std::string iso_ms(SysTime t) {
  std::string s = iso_utc(t);
  if (!s.empty() && s.back() == 'Z') s.insert(s.size() - 1, ".000");
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Severities: LOG_DEBUG < LOG_INFO < LOG_NOTICE < LOG_WARNING < LOG_ERR < LOG_CRIT < LOG_ALERT < LOG_EMERG.

const std::array<std::pair<const char*, const char*>, 5> kFloors = {{{"debug", "LOG_DEBUG"},
                                                                     {"info", "LOG_INFO"},
                                                                     {"warning", "LOG_WARNING"},
                                                                     {"error", "LOG_ERR"},
                                                                     {"critical", "LOG_CRIT"}}};

std::string short_severity(std::string_view sev) {
  std::string s = lower(sev);
  if (s.rfind("log_", 0) == 0) s = s.substr(4);
  if (s == "err") return "error";
  if (s == "crit") return "critical";
  if (s == "warn") return "warning";
  return s;
}

int severity_rank(std::string_view sev) {
  static const std::array<const char*, 8> order = {"debug", "info",     "notice", "warning",
                                                   "error", "critical", "alert",  "emerg"};
  std::string s = short_severity(sev);
  for (size_t i = 0; i < order.size(); ++i)
    if (s == order[i]) return static_cast<int>(i);
  return 1;
}

json log_item(const json& l) {
  json spec = get_object(l, "log_specifics");
  json host = get_object(spec, "host");
  json job = get_object(spec, "job_instance");
  std::string hostname = get_string(host, "hostname");
  if (hostname.empty()) hostname = get_string(l, "hostname");
  return json{{"log_id", get_int(l, "log_id")},
              {"created", cmon_ts(l, "created")},
              {"severity", short_severity(get_string(l, "severity"))},
              {"class", get_string(l, "log_class")},
              {"component", get_string(l, "component")},
              {"cluster_id", get_int(spec, "cluster_id", get_int(l, "cluster_id"))},
              {"hostname", hostname},
              {"job_id", get_int(job, "job_id")},
              {"message", strip_html(get_string(spec, "message_text"))}};
}

json log_item_schema() {
  return o_obj({{"log_id", o_int()},
                {"created", o_str()},
                {"severity", o_str()},
                {"class", o_str()},
                {"component", o_str()},
                {"cluster_id", o_int()},
                {"hostname", o_str()},
                {"job_id", o_int()},
                {"message", o_str()}},
               {"log_id", "created", "severity", "class", "message"});
}

std::string log_line(const json& i) {
  std::string s = i["created"].get<std::string>() + " " + upper(i["severity"].get<std::string>()) + " [" +
                  i["class"].get<std::string>() + "] " + i["message"].get<std::string>();
  if (!i["hostname"].get<std::string>().empty() &&
      i["message"].get<std::string>().find(i["hostname"].get<std::string>()) == std::string::npos)
    s += " (host " + i["hostname"].get<std::string>() + ")";
  if (i["job_id"].get<int64_t>() > 0) s += " (job " + std::to_string(i["job_id"].get<int64_t>()) + ")";
  s += " #" + std::to_string(i["log_id"].get<int64_t>());
  return s;
}

// Reads up to `cap` entries of a newest-first CMON list in pages of 200, keeping those `keep` accepts.
// Stops at the end of the list, or once `past_window` says the entries are older than the window.
struct Scan {
  json items = json::array();
  int64_t scanned = 0;
  bool capped = false;
};

awaitable<Expected<Scan, ToolResult>> scan_list(ToolContext& ctx, std::string path, std::string operation,
                                                json base, std::string list_key, std::string doing,
                                                std::function<bool(const json&)> keep,
                                                std::function<bool(const json&)> past_window,
                                                int64_t cap = 2000) {
  Scan scan;
  constexpr int64_t kPage = 200;
  for (int64_t offset = 0; offset < cap; offset += kPage) {
    json fields = base;
    fields["limit"] = kPage;
    fields["offset"] = offset;
    fields["ascending"] = false;
    auto r = co_await call(ctx, path, operation, std::move(fields), doing);
    if (!r) co_return unexpected(r.error());
    json list = get_list(*r, list_key);
    bool past = false;
    for (const auto& e : list) {
      if (!e.is_object()) continue;
      ++scan.scanned;
      if (past_window && past_window(e)) {
        past = true;
        break;
      }
      if (keep(e)) scan.items.push_back(e);
    }
    if (past || static_cast<int64_t>(list.size()) < kPage) co_return scan;
    if (get_int(*r, "total", -1) >= 0 && offset + kPage >= get_int(*r, "total")) co_return scan;
  }
  scan.capped = true;
  co_return scan;
}

// ---------------------------------------------------------------------------------------------------
// get_cluster_log

awaitable<ToolResult> get_cluster_log(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  auto w = time_window_of(args, "24h", std::chrono::system_clock::now());
  if (!w) co_return ToolResult::error("Invalid time window: " + w.error());
  std::string floor = args.value("severity", std::string("info"));
  std::string cmon_floor = "LOG_INFO";
  for (const auto& [name, value] : kFloors)
    if (floor == name) cmon_floor = value;
  std::string text_filter = args.value("contains", std::string());
  std::string class_filter = args.value("log_class", std::string());
  Paging page = paging_of(args, 30);
  json base{{"severity", cmon_floor}, {"created_after", iso_ms(w->since)}};
  // created_before is exclusive and to the second: left out when the window ends now.
  if (args.contains("until")) base["created_before"] = iso_ms(w->until);
  if (*c) base["cluster_id"] = (*c)->id;
  std::string where = *c ? (*c)->name : std::string("all clusters");
  std::string doing = "read the event log of " + where;
  int floor_rank = severity_rank(cmon_floor);
  json out = json::object();
  bool capped = false;
  if (text_filter.empty() && class_filter.empty()) {
    json fields = base;
    fields["limit"] = page.limit;
    fields["offset"] = page.offset;
    fields["ascending"] = false;
    auto r = co_await call(ctx, "/v2/log", "getLogEntries", std::move(fields), doing);
    if (!r) co_return r.error();
    json items = json::array();
    // The floor is CMON's to apply; an entry below it (should CMON read `severity` differently) is
    // still left out here.
    for (const auto& l : get_list(*r, "log_entries"))
      if (l.is_object() && severity_rank(get_string(l, "severity")) >= floor_rank)
        items.push_back(log_item(l));
    size_t n = items.size();
    int64_t total = std::max<int64_t>(get_int(*r, "total"), page.offset + static_cast<int64_t>(n));
    out["entries"] = std::move(items);
    out.update(page_info(total, page, n));
  } else {
    // No documented server-side text filter: scan the window newest first and filter here.
    auto keep = [&](const json& l) {
      if (severity_rank(get_string(l, "severity")) < floor_rank) return false;
      if (!class_filter.empty() && !iequals(get_string(l, "log_class"), class_filter)) return false;
      if (!text_filter.empty() &&
          !icontains(strip_html(get_string(get_object(l, "log_specifics"), "message_text")), text_filter))
        return false;
      return true;
    };
    auto s = co_await scan_list(ctx, "/v2/log", "getLogEntries", base, "log_entries", doing, keep, nullptr);
    if (!s) co_return s.error();
    json items = json::array();
    for (const auto& l : s->items) items.push_back(log_item(l));
    page_array(out, "entries", std::move(items), page);
    capped = s->capped;
  }
  bool full = detail_of(args) == Detail::full;
  std::string text;
  std::string range = iso_utc(w->since) + " – " + iso_utc(w->until);
  if (out["entries"].empty()) {
    text = "No " + floor + "-or-worse log entries for " + where + " in " + range +
           (text_filter.empty() ? "" : " containing \"" + text_filter + "\"") +
           (class_filter.empty() ? "" : " of class " + class_filter) +
           ". Widen the window (since=\"7d\") or lower the severity floor.";
  } else {
    text = std::to_string(out["total"].get<int64_t>()) + " log entr" + (out["total"] == 1 ? "y" : "ies") +
           " (" + floor + " and worse) for " + where + " in " + range + ", newest first:\n";
    for (const auto& e : out["entries"]) {
      std::string line = log_line(e);
      if (!full && line.size() > 400) line = line.substr(0, 400) + "…";
      text += "- " + line + "\n";
    }
    if (capped) text += "Only the newest 2000 entries of the window were searched; narrow the window.\n";
  }
  out["window"] = json{{"since", iso_utc(w->since)}, {"until", iso_utc(w->until)}};
  co_return respond(args, std::move(text), std::move(out), "entries");
}

// ---------------------------------------------------------------------------------------------------
// get_log_entry

awaitable<ToolResult> get_log_entry(ToolContext& ctx, const json& in) {
  json args = in;
  int64_t id = args["log_id"].get<int64_t>();
  json fields{{"message_id", id}};
  auto r =
      co_await call(ctx, "/v2/log", "getLogEntry", std::move(fields), "read log entry " + std::to_string(id));
  if (!r) co_return r.error();
  json l = r->contains("log_entry") ? get_object(*r, "log_entry") : *r;
  if (get_int(l, "log_id", -1) != id)
    co_return ToolResult::error("Log entry " + std::to_string(id) +
                                " was not found; get_cluster_log lists entries with their ids.");
  json item = log_item(l);
  json origins = get_object(l, "log_origins");
  item["origin"] = json{{"binary", get_string(origins, "sender_binary")},
                        {"file", get_string(origins, "sender_file")},
                        {"line", get_int(origins, "sender_line")},
                        {"pid", get_int(origins, "sender_pid")}};
  json spec = get_object(l, "log_specifics");
  std::string text = log_line(item) + "\n";
  if (!item["component"].get<std::string>().empty())
    text += "Component: " + item["component"].get<std::string>() + "\n";
  text += "Cluster: " + std::to_string(item["cluster_id"].get<int64_t>()) + "\n";
  text += "Origin: " + item["origin"]["binary"].get<std::string>() + " " +
          item["origin"]["file"].get<std::string>() + ":" +
          std::to_string(item["origin"]["line"].get<int64_t>()) + "\n";
  json job = get_object(spec, "job_instance");
  if (!job.empty())
    text += "Job: " + std::to_string(get_int(job, "job_id")) + " " + strip_html(get_string(job, "title")) +
            " [" + get_string(job, "status") + "]\n";
  json host = get_object(spec, "host");
  if (!host.empty())
    text += "Host: " + get_string(host, "hostname") + " " + get_string(host, "hoststatus") + "\n";
  co_return respond(args, std::move(text), std::move(item));
}

// ---------------------------------------------------------------------------------------------------
// get_audit_log

json audit_item(const json& a) {
  return json{{"id", get_int(a, "id")},
              {"time", cmon_ts(a, "report_ts")},
              {"cluster_id", get_int(a, "cluster_id")},
              {"user", get_string(a, "username")},
              {"client", get_string(a, "client_hostname")},
              {"type", get_string(a, "entry_type")},
              {"message", strip_html(get_string(a, "message_text"))}};
}

json audit_item_schema() {
  return o_obj({{"id", o_int()},
                {"time", o_str()},
                {"cluster_id", o_int()},
                {"user", o_str()},
                {"client", o_str()},
                {"type", o_str()},
                {"message", o_str()}},
               {"time", "user", "type", "message"});
}

// Whether a CMON timestamp falls before/after the window; unparseable ones count as inside.
bool before(const json& obj, std::string_view key, SysTime t) {
  auto v = cmon_time(obj.is_object() && obj.contains(key) ? obj.at(std::string(key)) : json());
  return v && *v < t;
}
bool after(const json& obj, std::string_view key, SysTime t) {
  auto v = cmon_time(obj.is_object() && obj.contains(key) ? obj.at(std::string(key)) : json());
  return v && *v > t;
}

awaitable<ToolResult> get_audit_log(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  auto w = time_window_of(args, "7d", std::chrono::system_clock::now());
  if (!w) co_return ToolResult::error("Invalid time window: " + w.error());
  std::string user = args.value("user", std::string());
  std::string text_filter = args.value("contains", std::string());
  json base = json::object();
  if (*c) base["cluster_ids"] = json::array({(*c)->id});
  std::string where = *c ? (*c)->name : std::string("all clusters");
  SysTime since = w->since, until = w->until;
  auto keep = [&](const json& a) {
    if (after(a, "report_ts", until)) return false;
    if (!user.empty() && !iequals(get_string(a, "username"), user)) return false;
    if (!text_filter.empty() && !icontains(get_string(a, "message_text"), text_filter) &&
        !icontains(get_string(a, "entry_type"), text_filter))
      return false;
    return true;
  };
  auto past = [&](const json& a) { return before(a, "report_ts", since); };
  auto s = co_await scan_list(ctx, "/v2/audit", "getEntries", base, "audit_entries",
                              "read the audit log of " + where, keep, past);
  if (!s) co_return s.error();
  json items = json::array();
  for (const auto& a : s->items) items.push_back(audit_item(a));
  json out = json::object();
  page_array(out, "entries", std::move(items), paging_of(args, 30));
  std::string range = iso_utc(w->since) + " – " + iso_utc(w->until);
  std::string text;
  if (out["entries"].empty()) {
    text = "No audit entries for " + where + " in " + range + (user.empty() ? "" : " by " + user) +
           (text_filter.empty() ? "" : " matching \"" + text_filter + "\"") +
           ". Widen the window (since=\"30d\").";
  } else {
    text = std::to_string(out["total"].get<int64_t>()) + " audit entr" + (out["total"] == 1 ? "y" : "ies") +
           " for " + where + " in " + range + ", newest first:\n";
    for (const auto& e : out["entries"])
      text += "- " + e["time"].get<std::string>() + " " + e["user"].get<std::string>() +
              (e["client"].get<std::string>().empty() ? "" : "@" + e["client"].get<std::string>()) + " [" +
              e["type"].get<std::string>() + "] " + e["message"].get<std::string>() + " (cluster " +
              std::to_string(e["cluster_id"].get<int64_t>()) + ")\n";
    if (s->capped) text += "Only the newest 2000 audit entries were searched; narrow the window.\n";
  }
  out["window"] = json{{"since", iso_utc(w->since)}, {"until", iso_utc(w->until)}};
  co_return respond(args, std::move(text), std::move(out), "entries");
}

// ---------------------------------------------------------------------------------------------------
// get_recent_changes

struct Event {
  SysTime t;
  json item;
};

// A call whose failure becomes a note in the digest rather than the end of the tool.
awaitable<cmon::Result<json>> try_call(ToolContext& ctx, std::string path, std::string operation,
                                       json fields) {
  co_return co_await ctx.cmon.call(path, operation, std::move(fields));
}

awaitable<ToolResult> get_recent_changes(ToolContext& ctx, const json& in) {
  using namespace boost::asio::experimental::awaitable_operators;
  json args = in;
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  auto w = time_window_of(args, "1h", std::chrono::system_clock::now());
  if (!w) co_return ToolResult::error("Invalid time window: " + w.error());
  const SysTime since = w->since, until = w->until;
  std::optional<int64_t> cid;
  if (*c) cid = (*c)->id;

  json job_fields{{"limit", 200}, {"offset", 0}};
  json alarm_fields = json::object();
  json log_fields{{"limit", 500},
                  {"offset", 0},
                  {"ascending", false},
                  {"severity", "LOG_DEBUG"},
                  {"created_after", iso_ms(since)}};
  if (args.contains("until")) log_fields["created_before"] = iso_ms(until);
  json audit_fields{{"limit", 500}, {"offset", 0}, {"ascending", false}};
  if (cid) {
    job_fields["cluster_id"] = *cid;
    alarm_fields["cluster_id"] = *cid;
    log_fields["cluster_id"] = *cid;
    audit_fields["cluster_ids"] = json::array({*cid});
  }
  auto [jobs, alarms, logs, audit] =
      co_await (try_call(ctx, "/v2/jobs", "getJobInstances", std::move(job_fields)) &&
                try_call(ctx, "/v2/alarm", "getAlarms", std::move(alarm_fields)) &&
                try_call(ctx, "/v2/log", "getLogEntries", std::move(log_fields)) &&
                try_call(ctx, "/v2/audit", "getEntries", std::move(audit_fields)));

  const std::array<std::pair<const cmon::Result<json>*, const char*>, 4> sources = {
      {{&jobs, "jobs"}, {&alarms, "alarms"}, {&logs, "the event log"}, {&audit, "the audit log"}}};
  json gaps = json::array();
  const cmon::Error* first_error = nullptr;
  for (const auto& [r, what] : sources)
    if (!*r) {
      if (!first_error) first_error = &r->error();
      gaps.push_back(std::string("could not read ") + what + ": " + cmon::describe(r->error()));
    }
  if (gaps.size() == sources.size())
    co_return cmon_failure(*first_error, "read recent changes" + (*c ? " of " + (*c)->name : std::string()));

  auto in_window = [&](SysTime t) { return t >= since && t <= until; };
  auto want_cluster = [&](int64_t id) { return !cid || id == *cid; };
  std::vector<Event> events;
  json counts{{"jobs", 0}, {"alarms", 0}, {"state_changes", 0}, {"config_changes", 0}, {"other_changes", 0}};

  if (jobs) {
    for (const auto& j : get_list(*jobs, "jobs")) {
      if (!j.is_object() || !want_cluster(get_int(j, "cluster_id"))) continue;
      // The most recent thing that happened to the job inside the window.
      std::optional<SysTime> t;
      std::string what;
      for (const auto& [key, verb] :
           {std::pair{"ended", "ended"}, std::pair{"started", "started"}, std::pair{"created", "created"}}) {
        auto v = cmon_time(j.contains(key) ? j[key] : json());
        if (v && in_window(*v)) {
          t = v;
          what = verb;
          break;
        }
      }
      if (!t) continue;
      std::string status = get_string(j, "status");
      std::string summary = "Job " + std::to_string(get_int(j, "job_id")) + " " + what + " [" + status +
                            "] " + strip_html(get_string(j, "title"));
      std::string cmd = job_command(j);
      if (!cmd.empty()) summary += " (" + cmd + ")";
      if (!get_string(j, "user_name").empty()) summary += " by " + get_string(j, "user_name");
      events.push_back({*t, json{{"time", iso_utc(*t)},
                                 {"kind", "job"},
                                 {"cluster_id", get_int(j, "cluster_id")},
                                 {"ref", get_int(j, "job_id")},
                                 {"summary", summary}}});
      counts["jobs"] = counts["jobs"].get<int64_t>() + 1;
    }
  }
  if (alarms) {
    for (const auto& a : get_list(*alarms, "alarms")) {
      if (!a.is_object() || !want_cluster(get_int(a, "cluster_id"))) continue;
      auto t = cmon_time(a.contains("created") ? a["created"] : json());
      if (!t || !in_window(*t)) continue;
      std::string sev = icontains(get_string(a, "severity_name"), "critical") ? "critical" : "warning";
      std::string summary = "Alarm raised (" + sev + "): " + strip_html(get_string(a, "title"));
      if (!get_string(a, "hostname").empty()) summary += " on " + get_string(a, "hostname");
      events.push_back({*t, json{{"time", iso_utc(*t)},
                                 {"kind", "alarm"},
                                 {"cluster_id", get_int(a, "cluster_id")},
                                 {"ref", get_int(a, "alarm_id")},
                                 {"summary", summary}}});
      counts["alarms"] = counts["alarms"].get<int64_t>() + 1;
    }
  }
  if (logs) {
    for (const auto& l : get_list(*logs, "log_entries")) {
      if (!l.is_object()) continue;
      std::string cls = get_string(l, "log_class");
      if (cls != "HostStateChange" && cls != "ClusterStateChange") continue;
      json item = log_item(l);
      if (!want_cluster(item["cluster_id"].get<int64_t>())) continue;
      auto t = cmon_time(l.contains("created") ? l["created"] : json());
      if (!t || !in_window(*t)) continue;
      events.push_back({*t, json{{"time", iso_utc(*t)},
                                 {"kind", cls == "HostStateChange" ? "node_state" : "cluster_state"},
                                 {"cluster_id", item["cluster_id"]},
                                 {"ref", item["log_id"]},
                                 {"summary", item["message"]}}});
      counts["state_changes"] = counts["state_changes"].get<int64_t>() + 1;
    }
  }
  if (audit) {
    for (const auto& a : get_list(*audit, "audit_entries")) {
      if (!a.is_object() || !want_cluster(get_int(a, "cluster_id"))) continue;
      std::string type = get_string(a, "entry_type");
      // Log-ins are not changes.
      if (iequals(type, "Login") || iequals(type, "Logout")) continue;
      auto t = cmon_time(a.contains("report_ts") ? a["report_ts"] : json());
      if (!t || !in_window(*t)) continue;
      bool config = icontains(type, "config");
      std::string summary =
          (config ? "Configuration change: " : type + ": ") + strip_html(get_string(a, "message_text"));
      std::string by = get_string(a, "username");
      if (!by.empty() && summary.find("'" + by + "'") == std::string::npos) summary += " (by " + by + ")";
      events.push_back({*t, json{{"time", iso_utc(*t)},
                                 {"kind", config ? "config" : "audit"},
                                 {"cluster_id", get_int(a, "cluster_id")},
                                 {"ref", get_int(a, "id")},
                                 {"summary", summary}}});
      const char* k = config ? "config_changes" : "other_changes";
      counts[k] = counts[k].get<int64_t>() + 1;
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  int64_t limit = args.value("limit", int64_t{100});
  bool truncated = static_cast<int64_t>(events.size()) > limit;
  int64_t total = static_cast<int64_t>(events.size());
  json list = json::array();
  // Keep the most recent `limit` events, still in time order.
  for (size_t i = truncated ? events.size() - static_cast<size_t>(limit) : 0; i < events.size(); ++i)
    list.push_back(events[i].item);

  std::string where = *c ? (*c)->name : std::string("all clusters");
  std::string range = iso_utc(since) + " – " + iso_utc(until);
  std::string text;
  if (list.empty()) {
    text = "Nothing changed in " + where + " in " + range +
           ": no jobs, new alarms, node or cluster state changes, or audited changes.";
  } else {
    text = std::to_string(total) + " change(s) in " + where + " in " + range + " (" +
           std::to_string(counts["jobs"].get<int64_t>()) + " job events, " +
           std::to_string(counts["alarms"].get<int64_t>()) + " new alarms, " +
           std::to_string(counts["state_changes"].get<int64_t>()) + " state changes, " +
           std::to_string(counts["config_changes"].get<int64_t>()) + " configuration changes, " +
           std::to_string(counts["other_changes"].get<int64_t>()) +
           " other audited changes), oldest first:\n";
    if (truncated) text += "(only the latest " + std::to_string(limit) + " shown)\n";
    for (const auto& e : list) {
      text += "- " + e["time"].get<std::string>() + " ";
      if (!cid) text += "[cluster " + std::to_string(e["cluster_id"].get<int64_t>()) + "] ";
      text += e["summary"].get<std::string>() + "\n";
    }
  }
  for (const auto& g : gaps) text += "Note: " + g.get<std::string>() + "\n";
  json out{{"window", json{{"since", iso_utc(since)}, {"until", iso_utc(until)}}},
           {"events", std::move(list)},
           {"total", total},
           {"truncated", truncated},
           {"counts", counts},
           {"gaps", gaps}};
  if (cid) out["cluster_id"] = *cid;
  co_return respond(args, std::move(text), std::move(out), "events");
}

}  // namespace

void register_logs_tools(Registry& registry) {
  registry.add(ToolDefinition{
      .name = "get_cluster_log",
      .title = "Cluster event log",
      .description =
          "The controller's event log for a cluster (or all clusters), newest first: severity, class "
          "(JobEnded, HostStateChange, ...), host and message, HTML removed. Filter by severity floor, time "
          "window, text and class; paged. Read-only: changes nothing.\nExample: {\"cluster_id\": 1, "
          "\"severity\": \"warning\", \"since\": \"6h\"}",
      .group = "logs",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster("the cluster (omit for all clusters)")
                          .prop("severity", s_enum("Severity floor: this level and worse (default info).",
                                                   {"debug", "info", "warning", "error", "critical"}))
                          .time_window("24 hours")
                          .prop("contains", s_string("Only entries whose message contains this text "
                                                     "(case-insensitive)."))
                          .prop("log_class", s_string("Only entries of this class, e.g. HostStateChange, "
                                                      "ClusterStateChange, JobEnded.",
                                                      std::nullopt, 64))
                          .paging(30, 200)
                          .detail()
                          .format()
                          .build(),
      .output_schema =
          [] {
            json s = o_page("entries", log_item_schema());
            s["properties"]["window"] = o_obj({{"since", o_str()}, {"until", o_str()}}, {"since", "until"});
            return s;
          }(),
      .handler = get_cluster_log,
  });
  registry.add(ToolDefinition{
      .name = "get_log_entry",
      .title = "Get log entry",
      .description =
          "One event-log entry in full: message, severity, class, host, job, and where in the controller it "
          "came from. Read-only: changes nothing.\nExample: {\"log_id\": 4711}",
      .group = "logs",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .prop("log_id", s_integer("The entry id (the #number in get_cluster_log).", 0), true)
              .format()
              .build(),
      .output_schema =
          [] {
            json s = log_item_schema();
            s["properties"]["origin"] =
                o_obj({{"binary", o_str()}, {"file", o_str()}, {"line", o_int()}, {"pid", o_int()}});
            return s;
          }(),
      .handler = get_log_entry,
  });
  registry.add(ToolDefinition{
      .name = "get_audit_log",
      .title = "Audit log",
      .description =
          "Who did what: the controller's audit trail (user, client host, type, message), newest first, for "
          "one cluster or all, over a time window, optionally by user or text. Read-only: changes nothing.\n"
          "Example: {\"cluster_id\": 1, \"since\": \"7d\", \"user\": \"admin\"}",
      .group = "logs",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .cluster("the cluster (omit for all clusters)")
              .time_window("7 days")
              .prop("user", s_string("Only entries of this CMON user."))
              .prop("contains", s_string("Only entries whose message or type contains this text."))
              .paging(30, 200)
              .format()
              .build(),
      .output_schema =
          [] {
            json s = o_page("entries", audit_item_schema());
            s["properties"]["window"] = o_obj({{"since", o_str()}, {"until", o_str()}}, {"since", "until"});
            return s;
          }(),
      .handler = get_audit_log,
  });
  registry.add(ToolDefinition{
      .name = "get_recent_changes",
      .title = "Recent changes",
      .description =
          "\"What changed in the last hour?\": one time-ordered digest of jobs (created, started, ended), "
          "new "
          "alarms, node and cluster state changes, configuration changes and other audited changes, for one "
          "cluster or all. Sources that cannot be read are named in the result. Read-only: changes nothing.\n"
          "Example: {\"cluster_id\": 1, \"since\": \"1h\"}",
      .group = "logs",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema()
              .cluster("the cluster (omit for all clusters)")
              .time_window("1 hour")
              .prop("limit",
                    s_integer("Maximum number of events (the latest are kept; default 100).", 1, 500))
              .format()
              .build(),
      .output_schema = o_obj({{"window", o_obj({{"since", o_str()}, {"until", o_str()}}, {"since", "until"})},
                              {"events", o_arr(o_obj({{"time", o_str()},
                                                      {"kind", o_str()},
                                                      {"cluster_id", o_int()},
                                                      {"ref", o_int()},
                                                      {"summary", o_str()}},
                                                     {"time", "kind", "cluster_id", "summary"}))},
                              {"total", o_int()},
                              {"truncated", o_bool()},
                              {"counts", o_obj({{"jobs", o_int()},
                                                {"alarms", o_int()},
                                                {"state_changes", o_int()},
                                                {"config_changes", o_int()},
                                                {"other_changes", o_int()}})},
                              {"gaps", o_arr(o_str())}},
                             {"window", "events", "total", "counts", "gaps"}),
      .handler = get_recent_changes,
  });
}

}  // namespace cmon_mcp::tools
