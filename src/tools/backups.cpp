// Backup tools (catalogue B.5, read side): list_backups, get_backup, list_backup_schedules.
#include <set>

#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

// Version 2 records nest the version 1 fields under "metadata" (cmon-rpc-v2.md §7.1).
json record_meta(const json& rec) {
  return rec.contains("metadata") && rec["metadata"].is_object() ? rec["metadata"] : rec;
}

json backup_item(const json& rec) {
  json m = record_meta(rec);
  double size = 0;
  json databases = json::array();
  json files = json::array();
  for (const auto& part : get_list(m, "backup")) {
    std::string db = get_string(part, "db");
    if (!db.empty()) databases.push_back(db);
    for (const auto& name : get_list(part, "database_names"))
      databases.push_back(get_string(json{{"n", name}}, "n"));
    for (const auto& f : get_list(part, "files")) {
      size += get_double(f, "size");
      files.push_back(json{{"path", get_string(f, "path")},
                           {"size_bytes", get_double(f, "size")},
                           {"type", get_string(f, "type")}});
    }
  }
  std::string root = get_string(m, "root_dir"), storage = get_string(m, "storage_host");
  json host_locations = get_list(rec, "host_locations");
  if (root.empty() && !host_locations.empty()) {
    root = get_string(host_locations[0], "root_dir");
    storage = get_string(host_locations[0], "storage_host");
  }
  auto created = cmon_time(m.value("created", json()));
  auto finished = cmon_time(m.value("finished", json()));
  json verified = get_object(m, "verified");
  return json{
      {"backup_id", get_int(m, "id")},
      {"cluster_id", get_int(m, "cid", get_int(m, "cluster_id"))},
      {"job_id", get_int(m, "job_id")},
      {"parent_id", get_int(m, "parent_id")},
      {"method", get_string(m, "method")},
      {"status", get_string(m, "status")},
      {"title", strip_html(get_string(m, "title"))},
      {"created", cmon_ts(m, "created")},
      {"finished", cmon_ts(m, "finished")},
      {"duration_s", created && finished ? std::chrono::duration<double>(*finished - *created).count() : 0.0},
      {"size_bytes", size},
      {"backup_host", get_string(m, "backup_host")},
      {"storage_host", storage},
      {"root_dir", root},
      {"compressed", get_bool(m, "compressed")},
      {"encrypted", get_bool(m, "encrypted")},
      {"verified", get_string(verified, "status", "NotVerified")},
      {"databases", databases},
      {"files", files},
      {"cloud_locations", get_list(rec, "cloud_locations").size()}};
}

json backup_item_schema() {
  return o_obj({{"backup_id", o_int()},
                {"cluster_id", o_int()},
                {"job_id", o_int()},
                {"method", o_str()},
                {"status", o_str()},
                {"created", o_str()},
                {"finished", o_str()},
                {"duration_s", o_num()},
                {"size_bytes", o_num()},
                {"backup_host", o_str()},
                {"storage_host", o_str()},
                {"root_dir", o_str()},
                {"verified", o_str()},
                {"databases", o_arr(o_str())}},
               {"backup_id", "cluster_id", "method", "status", "size_bytes"});
}

std::string backup_line(const json& b) {
  std::string s = "backup " + std::to_string(b["backup_id"].get<int64_t>()) + " [" +
                  b["status"].get<std::string>() + "] " + b["method"].get<std::string>() + ", " +
                  human_bytes(b["size_bytes"].get<double>()) + ", " + b["created"].get<std::string>();
  if (b["duration_s"].get<double>() > 0) s += " (took " + human_duration(b["duration_s"].get<double>()) + ")";
  s += ", cluster " + std::to_string(b["cluster_id"].get<int64_t>());
  if (!b["backup_host"].get<std::string>().empty()) s += ", from " + b["backup_host"].get<std::string>();
  if (!b["storage_host"].get<std::string>().empty())
    s += ", stored on " + b["storage_host"].get<std::string>() + ":" + b["root_dir"].get<std::string>();
  if (b["verified"] != "NotVerified") s += ", verification " + b["verified"].get<std::string>();
  if (!b["title"].get<std::string>().empty()) s += " \"" + b["title"].get<std::string>() + "\"";
  return s;
}

awaitable<ToolResult> list_backups(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  Paging page = paging_of(args, 20);
  std::string status = args.value("status", std::string());
  json fields{{"limit", status.empty() ? page.limit : 500},
              {"offset", status.empty() ? page.offset : 0},
              {"ascending", false},
              {"backup_record_version", 2}};
  if (*c) fields["cluster_id"] = (*c)->id;
  auto r = co_await call(ctx, "/v2/backup", "getBackups", std::move(fields), "list backups");
  if (!r) co_return r.error();
  json items = json::array();
  bool full = detail_of(args) == Detail::full;
  for (const auto& rec : get_list(*r, "backup_records")) {
    json b = backup_item(rec);
    if (!status.empty() && !iequals(b["status"].get<std::string>(), status)) continue;
    if (!full) b.erase("files");
    if (full) b["raw"] = rec;
    items.push_back(std::move(b));
  }
  json out = json::object();
  if (!status.empty()) {
    page_array(out, "backups", std::move(items), page);
  } else {
    size_t n = items.size();
    out["backups"] = std::move(items);
    out.update(page_info(get_int(*r, "total", static_cast<long long>(n)), page, n));
  }
  std::string text = std::to_string(out["total"].get<int64_t>()) + " backup(s), newest first:\n";
  for (const auto& b : out["backups"]) text += "- " + backup_line(b) + "\n";
  if (out["total"] == 0) text = "No backups" + std::string(*c ? " for " + (*c)->name : "") + ".";
  co_return respond(args, std::move(text), std::move(out), "backups");
}

awaitable<ToolResult> get_backup(ToolContext& ctx, const json& in) {
  json args = in;
  int64_t id = args["backup_id"].get<int64_t>();
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  // getBackups has no id filter: page through the records (newest first) until the id shows up.
  for (int64_t offset = 0; offset < 5000; offset += 200) {
    json fields{{"limit", 200}, {"offset", offset}, {"ascending", false}, {"backup_record_version", 2}};
    if (*c) fields["cluster_id"] = (*c)->id;
    auto r = co_await call(ctx, "/v2/backup", "getBackups", std::move(fields),
                           "read backup " + std::to_string(id));
    if (!r) co_return r.error();
    json records = get_list(*r, "backup_records");
    for (const auto& rec : records) {
      if (get_int(record_meta(rec), "id") != id) continue;
      json b = backup_item(rec);
      json m = record_meta(rec);
      b["verification_message"] = strip_html(get_string(get_object(m, "verified"), "message"));
      b["host_locations"] = get_list(rec, "host_locations");
      if (detail_of(args) == Detail::full) b["raw"] = rec;
      std::string text = backup_line(b) + "\n";
      if (!b["databases"].empty()) text += "Databases: " + b["databases"].dump() + "\n";
      text += std::string("Compressed: ") + (b["compressed"].get<bool>() ? "yes" : "no") +
              ", encrypted: " + (b["encrypted"].get<bool>() ? "yes" : "no") + ", job " +
              std::to_string(b["job_id"].get<int64_t>()) + "\n";
      text += "Files:\n";
      for (const auto& f : b["files"])
        text +=
            "- " + f["path"].get<std::string>() + " (" + human_bytes(f["size_bytes"].get<double>()) + ")\n";
      co_return respond(args, std::move(text), std::move(b));
    }
    if (static_cast<int64_t>(records.size()) < 200) break;
  }
  co_return ToolResult::error("backup " + std::to_string(id) + " not found" +
                              (*c ? " in cluster " + (*c)->name : std::string()) +
                              "; list_backups shows the existing backup ids");
}

awaitable<ToolResult> list_backup_schedules(ToolContext& ctx, const json& in) {
  json args = in;
  auto c = co_await resolve_optional_cluster(ctx, args);
  if (!c) co_return c.error();
  json sched_fields = json::object();
  json job_fields{{"show_scheduled", true}, {"limit", 500}};
  if (*c) {
    sched_fields["cluster_id"] = (*c)->id;
    job_fields["cluster_id"] = (*c)->id;
  }
  // Schedules exist as schedule objects and as recurring backup jobs (§7.5): read both, one entry per id.
  auto legacy = co_await ctx.cmon.call("/v2/backup", "getBackupSchedules", std::move(sched_fields));
  auto jobs =
      co_await call(ctx, "/v2/jobs", "getJobInstances", std::move(job_fields), "list backup schedules");
  if (!jobs) co_return jobs.error();
  json items = json::array();
  std::set<int64_t> seen;
  for (const auto& j : get_list(*jobs, "jobs")) {
    if (job_command(j) != "backup") continue;
    std::string status = get_string(j, "status");
    if (get_string(j, "recurrence").empty() && !iequals(status, "SCHEDULED") && !iequals(status, "PAUSED"))
      continue;
    json data = get_object(cmon::parse_job_spec(j.value("job_spec", json())), "job_data");
    int64_t id = get_int(j, "job_id");
    seen.insert(id);
    items.push_back(json{{"schedule_id", id},
                         {"cluster_id", get_int(j, "cluster_id")},
                         {"title", strip_html(get_string(j, "title"))},
                         {"recurrence", get_string(j, "recurrence")},
                         {"enabled", !iequals(status, "PAUSED")},
                         {"method", get_string(data, "backup_method")},
                         {"source", "job"}});
  }
  if (legacy) {
    for (const auto& s : get_list(*legacy, "backup_schedules")) {
      int64_t id = get_int(s, "id");
      if (seen.count(id)) continue;
      json data = get_object(get_object(s, "job"), "job_data");
      items.push_back(json{{"schedule_id", id},
                           {"cluster_id", get_int(s, "cluster_id")},
                           {"title", get_string(s, "title", get_string(data, "backup_title"))},
                           {"recurrence", get_string(s, "schedule", get_string(s, "recurrence"))},
                           {"enabled", get_bool(s, "enabled", true)},
                           {"method", get_string(data, "backup_method")},
                           {"source", "schedule"}});
    }
  }
  json out = json::object();
  page_array(out, "schedules", std::move(items), paging_of(args, 50));
  std::string text = std::to_string(out["total"].get<int64_t>()) + " backup schedule(s):\n";
  for (const auto& s : out["schedules"])
    text +=
        "- schedule " + std::to_string(s["schedule_id"].get<int64_t>()) + " cluster " +
        std::to_string(s["cluster_id"].get<int64_t>()) + ": " + s["method"].get<std::string>() + " at \"" +
        s["recurrence"].get<std::string>() + "\"" + (s["enabled"].get<bool>() ? "" : " (PAUSED)") +
        (s["title"].get<std::string>().empty() ? "" : " \"" + s["title"].get<std::string>() + "\"") + "\n";
  co_return respond(args, std::move(text), std::move(out), "schedules");
}

}  // namespace

void register_backups_tools(Registry& registry) {
  json detail_schema = backup_item_schema();
  detail_schema["properties"]["files"] = o_arr(o_obj({{"path", o_str()}, {"size_bytes", o_num()}}));
  registry.add(ToolDefinition{
      .name = "list_backups",
      .title = "List backups",
      .description =
          "Backups newest first, for one cluster or all: id, status, method, size, start time and duration, "
          "source "
          "host, storage location, verification. Use it for \"when was the last good backup and how big?\". "
          "Filter status=Failed to find failures. Paged. Read-only: changes nothing.\nExample: "
          "{\"cluster_id\": 3, "
          "\"limit\": 5}",
      .group = "backups",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .cluster("the cluster (omit for all clusters)")
                          .prop("status", s_enum("Only backups with this status.",
                                                 {"Completed", "Failed", "Running", "Pending"}))
                          .paging(20, 200)
                          .detail()
                          .format()
                          .build(),
      .output_schema = o_page("backups", backup_item_schema()),
      .handler = list_backups,
  });
  registry.add(ToolDefinition{
      .name = "get_backup",
      .title = "Get backup",
      .description =
          "One backup in detail: files with sizes, databases, location, compression and encryption, "
          "verification result, the job that made it. Read-only: changes nothing.\nExample: "
          "{\"backup_id\": 41}",
      .group = "backups",
      .tool_class = ToolClass::read,
      .input_schema = Schema()
                          .prop("backup_id", s_integer("The backup id (from list_backups).", 1), true)
                          .cluster("the cluster holding it (optional, speeds up the search)")
                          .detail()
                          .format()
                          .build(),
      .output_schema = detail_schema,
      .handler = get_backup,
  });
  registry.add(ToolDefinition{
      .name = "list_backup_schedules",
      .title = "List backup schedules",
      .description =
          "Recurring backup schedules (cron expression, method, enabled or paused), for one cluster or "
          "all; both schedule objects and recurring backup jobs. Read-only: changes nothing.\nExample: "
          "{\"cluster_name\": \"prod-galera\"}",
      .group = "backups",
      .tool_class = ToolClass::read,
      .input_schema =
          Schema().cluster("the cluster (omit for all clusters)").paging(50, 500).format().build(),
      .output_schema = o_page("schedules", o_obj({{"schedule_id", o_int()},
                                                  {"cluster_id", o_int()},
                                                  {"recurrence", o_str()},
                                                  {"enabled", o_bool()},
                                                  {"method", o_str()}},
                                                 {"schedule_id", "recurrence", "enabled"})),
      .handler = list_backup_schedules,
  });
}

}  // namespace cmon_mcp::tools
