// /v2/backup: backup records (v1 and v2 layouts), deletion, and schedules (recurring backup jobs).
#include <algorithm>

#include "cmon_sim/engine.hpp"

namespace cmon_sim {
namespace {

// Version 2 layout: metadata + host/cloud locations (cmon-rpc-v2.md §7.1).
json to_v2(const json& r) {
  json meta = r;
  meta.erase("class_name");
  return {{"class_name", "CmonBackupRecord"},
          {"backup_record_version", 2},
          {"metadata", meta},
          {"host_locations", json::array({{{"host_location_uuid", "hl-" + std::to_string(r.value("id", 0))},
                                           {"root_dir", r.value("root_dir", "")},
                                           {"storage_host", r.value("storage_host", "")},
                                           {"created_time", r.value("created", "")},
                                           {"finished_time", r.value("finished", "")},
                                           {"being_deleted", false},
                                           {"retention", 0},
                                           {"type", "host"}}})},
          {"cloud_locations", json::array()}};
}

json schedule_view(const Engine& e, const json& j) {
  json job = e.public_job(j);
  return {{"class_name", "CmonBackupSchedule"},
          {"id", j["job_id"]},
          {"cluster_id", j["cluster_id"]},
          {"created", j["created"]},
          {"enabled", j["status"] == "SCHEDULED"},
          {"schedule", j.value("recurrence", "")},
          {"recurrence", j.value("recurrence", "")},
          {"status", j["status"]},
          {"title", j["title"]},
          {"job",
           {{"command", j["job_spec"].value("command", "")},
            {"job_data", j["job_spec"].value("job_data", json::object())}}}};
}

}  // namespace

void register_backup_operations(Engine& e, std::vector<OperationSpec>& ops) {
  ops.push_back({"backup", "getBackups", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound, false));
                   SIM_TRY(asc, c.opt_bool("ascending", false));
                   SIM_TRY(version, c.opt_int("backup_record_version", 1));
                   SIM_TRY(parent, c.opt_int("parent_id", -1));
                   SIM_TRY(order, c.opt_string("order", ""));
                   SIM_TRY(backup_id, c.opt_int("backup_id", -1));
                   json all = json::array();
                   for (const auto& b : e.model()["backups"]) {
                     if (*cl && b["cid"] != (**cl)["cluster_id"]) continue;
                     if (*parent >= 0 && b.value("parent_id", int64_t{0}) != *parent) continue;
                     if (*backup_id >= 0 && b["id"] != *backup_id) continue;
                     all.push_back(b);
                   }
                   bool ascending = *asc;
                   if (!order->empty())
                     ascending =
                         order->find("DESC") == std::string::npos && order->find("desc") == std::string::npos;
                   std::stable_sort(all.begin(), all.end(), [&](const json& a, const json& b) {
                     return ascending ? a["id"] < b["id"] : a["id"] > b["id"];
                   });
                   SIM_TRY(page, paginate(c, all));
                   json out = json::array();
                   for (const auto& b : *page) out.push_back(*version == 2 ? to_v2(b) : b);
                   return json{{"backup_records", out}, {"total", all.size()}};
                 }});
  ops.back().cacheable = true;

  auto delete_ids = [&e](const std::vector<int64_t>& ids) -> Outcome {
    auto& list = e.model()["backups"];
    for (int64_t id : ids) {
      bool found = false;
      for (const auto& b : list)
        if (b["id"] == id) found = true;
      if (!found) return fail("ObjectNotFound", "Backup " + std::to_string(id) + " was not found.");
    }
    for (int64_t id : ids)
      for (size_t i = 0; i < list.size(); ++i)
        if (list[i]["id"] == id) {
          e.add_log_entry(list[i]["cid"], "LOG_INFO", "LogMessage",
                          "Backup " + std::to_string(id) + " deleted.");
          list.erase(i);
          break;
        }
    return json::object();
  };

  ops.push_back({"backup", "deleteBackupRecord", true, false, [&e, delete_ids](Call& c) -> Outcome {
                   SIM_TRY(rec, c.object_field("backup_record"));
                   json idv = rec->contains("backup_id") ? (*rec)["backup_id"] : rec->value("id", json());
                   if (!idv.is_number_integer())
                     return fail("InvalidRequest", "Missing 'backup_record.backup_id' field.");
                   int64_t id = idv.get<int64_t>();
                   bool found = false;
                   for (const auto& b : e.model()["backups"])
                     if (b["id"] == id) found = true;
                   // A controller reports the missing record through its cluster (§1.7 capture).
                   if (!found) return fail("ObjectNotFound", "Cluster was not found.");
                   return delete_ids({id});
                 }});

  ops.push_back({"backup", "deleteBackupList", true, false, [delete_ids](Call& c) -> Outcome {
                   SIM_TRY(list, c.array_field("backup_id_list"));
                   std::vector<int64_t> ids;
                   for (const auto& v : *list) {
                     if (v.is_number_integer())
                       ids.push_back(v.get<int64_t>());
                     else if (v.is_object() && v.contains("backup_id") && v["backup_id"].is_number_integer())
                       ids.push_back(v["backup_id"]);
                     else
                       return fail("InvalidRequest", "The 'backup_id_list' items should be backup ids.");
                   }
                   if (ids.empty()) return fail("InvalidRequest", "The 'backup_id_list' field is empty.");
                   return delete_ids(ids);
                 }});

  ops.push_back({"backup", "getBackupSchedules", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound, false));
                   json all = json::array();
                   for (const auto& j : e.model()["jobs"]) {
                     if (!j.contains("recurrence") || j["job_spec"].value("command", "") != "backup")
                       continue;
                     if (*cl && j["cluster_id"] != (**cl)["cluster_id"]) continue;
                     all.push_back(schedule_view(e, j));
                   }
                   SIM_TRY(page, paginate(c, all));
                   return json{{"backup_schedules", *page}, {"total", all.size()}};
                 }});

  ops.push_back(
      {"backup", "scheduleBackup", true, false, [&e](Call& c) -> Outcome {
         SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
         SIM_TRY(s, c.object_field("schedule"));
         std::string cron = s->value("schedule", s->value("recurrence", std::string()));
         if (cron.empty()) return fail("InvalidRequest", "Missing 'schedule.schedule' field.");
         json jobdef = s->value("job", json::object());
         json jr = {
             {"title", s->value("title", std::string("Scheduled backup"))},
             {"recurrence", cron},
             {"status", s->value("enabled", true) ? "SCHEDULED" : "SCHEDULED"},
             {"job_spec", {{"command", "backup"}, {"job_data", jobdef.value("job_data", json::object())}}}};
         json job = e.create_job(c, *cl, jr);
         if (!s->value("enabled", true)) {
           json* j = e.find_job(job["job_id"]);
           (*j)["status"] = "PAUSED";
           job = *j;
         }
         return json{{"schedule", schedule_view(e, job)}};
       }});

  ops.push_back({"backup", "getBinlogBackups", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(cl, e.resolve_cluster(c, NotFoundStyle::ObjectNotFound));
                   (void)cl;
                   return json{{"binlog_backups", json::array()}, {"total", 0}};
                 }});
}

}  // namespace cmon_sim
