// /v2/users: CMON users, groups, keys and preferences.
#include <algorithm>

#include "cmon_sim/engine.hpp"
#include "cmon_sim/model_builder.hpp"

namespace cmon_sim {
namespace {

// The user object of a request ({"user": {"user_name": ...}} or {"user": {"user_id": N}}).
cmon_mcp::Expected<json*, Failure> target_user(Engine& e, const Call& c, const std::string& key = "user") {
  SIM_TRY(u, c.object_field(key));
  json* found = nullptr;
  if (u->contains("user_name") && (*u)["user_name"].is_string())
    found = e.find_user((*u)["user_name"]);
  else if (u->contains("user_id") && (*u)["user_id"].is_number_integer())
    found = e.find_user_by_id((*u)["user_id"]);
  else
    return fail("InvalidRequest", "Missing '" + key + ".user_name' field.");
  if (!found) return fail("ObjectNotFound", "Username or password is incorrect.");
  return found;
}

// Changing another user needs admin rights (ACL-lite).
std::optional<Failure> may_manage(const Engine& e, const Call& c, const json& target) {
  if (c.user && (e.user_is_superuser(*c.user) || (*c.user)["user_id"] == target["user_id"]))
    return std::nullopt;
  return Failure{"AccessDenied", "Write access to user '" + target.value("user_name", "") +
                                     "' is denied for user '" + c.user_name() + "'."};
}

bool in_group(const json& user, const std::string& group) {
  for (const auto& g : user["groups"])
    if (g.value("group_name", "") == group) return true;
  return false;
}

}  // namespace

void register_user_operations(Engine& e, std::vector<OperationSpec>& ops) {
  ops.push_back({"users", "whoAmI", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(ext, c.opt_bool("with_extended_privileges", false));
                   json out = {{"user", e.public_user(*c.user)}};
                   if (*ext) {
                     bool writer = !c.user->value("_readonly", false);
                     out["user_extended_privileges"] = {
                         {"class_name", "CmonExtendedPrivileges"},
                         {"can_create_clusters", writer && e.user_is_superuser(*c.user)},
                         {"can_execute_jobs", writer}};
                   }
                   return out;
                 }});

  ops.push_back({"users", "getUsers", false, false, [&e](Call& c) -> Outcome {
                   json all = json::array();
                   for (const auto& u : e.model()["users"]) all.push_back(e.public_user(u));
                   SIM_TRY(page, paginate(c, all));
                   return json{{"users", *page}, {"total", all.size()}};
                 }});

  ops.push_back({"users", "getGroups", false, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(page, paginate(c, e.model()["groups"]));
                   return json{{"groups", *page}, {"total", e.model()["groups"].size()}};
                 }});

  ops.push_back(
      {"users", "canCreateUser", false, false, [&e](Call& c) -> Outcome {
         return json{{"can_create_user", e.user_is_superuser(*c.user) && !c.user->value("_readonly", false)}};
       }});

  ops.push_back({"users", "createUser", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(u, c.object_field("user"));
                   std::string name = u->value("user_name", "");
                   if (name.empty()) return fail("InvalidRequest", "Missing 'user.user_name' field.");
                   if (!e.user_is_superuser(*c.user))
                     return fail("AccessDenied",
                                 "User '" + c.user_name() + "' is not allowed to create users.");
                   if (e.find_user(name))
                     return fail("InvalidRequest", "User '" + name + "' already exists.");
                   SIM_TRY(create_group, c.opt_bool("create_group", false));
                   SIM_TRY(password, c.opt_string("new_password", ""));
                   json groups = json::array();
                   for (const auto& g : u->value("groups", json::array())) {
                     std::string gname = g.is_string() ? g.get<std::string>() : g.value("group_name", "");
                     if (!e.find_group(gname)) {
                       if (!*create_group)
                         return fail("ObjectNotFound", "Group '" + gname + "' does not exists.");
                       e.model()["groups"].push_back({{"class_name", "CmonGroup"},
                                                      {"group_id", e.next_id("group")},
                                                      {"group_name", gname},
                                                      {"created", Engine::now_iso()},
                                                      {"cdt_path", "/groups"},
                                                      {"owner_user_id", c.user_id()},
                                                      {"owner_user_name", c.user_name()},
                                                      {"owner_group_id", 1},
                                                      {"owner_group_name", "admins"},
                                                      {"acl", "user::rwx,group::rwx,other::---"}});
                     }
                     groups.push_back(gname);
                   }
                   if (groups.empty()) groups.push_back("users");
                   for (const auto& k : u->value("public_keys", json::array()))
                     if (!k.is_object() || !k.contains("key") || !k["key"].is_string())
                       return fail("InvalidRequest", "Every 'user.public_keys' item needs a 'key'.");
                   json in = *u;
                   in.erase("user_id");
                   in["groups"] = groups;
                   in["password"] = *password;
                   in["created"] = Engine::now_iso();
                   e.model()["users"].push_back(finish_user(e.model(), in));
                   e.add_audit(0, "UserChange", "User '" + name + "' created by '" + c.user_name() + "'.");
                   return json{{"user", e.public_user(e.model()["users"].back())}};
                 }});

  ops.push_back({"users", "setUser", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(t, target_user(e, c));
                   if (auto f = may_manage(e, c, **t)) return cmon_mcp::unexpected(*f);
                   static const std::vector<std::string> editable = {
                       "first_name", "last_name", "email_address", "title", "timezone", "suspended"};
                   const json& u = c.req["user"];
                   for (const auto& k : editable)
                     if (u.contains(k)) (**t)[k] = u[k];
                   return json{{"user", e.public_user(**t)}};
                 }});

  ops.push_back({"users", "deleteUser", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(t, target_user(e, c));
                   if (!e.user_is_superuser(*c.user))
                     return fail("AccessDenied", "User '" + c.user_name() + "' may not delete users.");
                   if ((**t)["user_id"] == c.user_id())
                     return fail("InvalidRequest", "A user can not delete itself.");
                   auto& users = e.model()["users"];
                   int64_t id = (**t)["user_id"];
                   for (size_t i = 0; i < users.size(); ++i)
                     if (users[i]["user_id"] == id) {
                       users.erase(i);
                       break;
                     }
                   return json::object();
                 }});

  auto set_disabled = [&e](bool disabled) {
    return [&e, disabled](Call& c) -> Outcome {
      SIM_TRY(t, target_user(e, c));
      if (!e.user_is_superuser(*c.user))
        return fail("AccessDenied", "User '" + c.user_name() + "' may not change users.");
      (**t)["disabled"] = disabled;
      return json{{"user", e.public_user(**t)}};
    };
  };
  ops.push_back({"users", "enable", true, false, set_disabled(false)});
  ops.push_back({"users", "disable", true, false, set_disabled(true)});

  ops.push_back({"users", "changePassword", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(t, target_user(e, c));
                   if (auto f = may_manage(e, c, **t)) return cmon_mcp::unexpected(*f);
                   SIM_TRY(np, c.string_field("new_password"));
                   SIM_TRY(op, c.opt_string("old_password", ""));
                   bool self = (**t)["user_id"] == c.user_id();
                   if (self && !e.user_is_superuser(*c.user) && *op != (**t).value("_password", ""))
                     return fail("AccessDenied", "The old password is incorrect.");
                   (**t)["_password"] = *np;
                   return json::object();
                 }});

  ops.push_back({"users", "getKeys", false, false, [&e](Call& c) -> Outcome {
                   json* t = c.user;
                   if (c.req.contains("user")) {
                     SIM_TRY(u, target_user(e, c));
                     t = *u;
                   }
                   json keys = (*t).value("_public_keys", json::array());
                   return json{{"public_keys", keys}, {"total", keys.size()}, {"user", e.public_user(*t)}};
                 }});

  ops.push_back({"users", "addKey", true, false, [&e](Call& c) -> Outcome {
                   json* t = c.user;
                   if (c.req.contains("user")) {
                     SIM_TRY(u, target_user(e, c));
                     t = *u;
                   }
                   if (auto f = may_manage(e, c, *t)) return cmon_mcp::unexpected(*f);
                   SIM_TRY(k, c.object_field("public_key"));
                   if (!k->contains("key") || !(*k)["key"].is_string() || (*k)["key"] == "")
                     return fail("InvalidRequest", "Missing 'public_key.key' field.");
                   (*t)["_public_keys"].push_back(
                       {{"name", k->value("name", std::string("No Name"))}, {"key", (*k)["key"]}});
                   return json::object();
                 }});

  ops.push_back({"users", "deleteKey", true, false, [&e](Call& c) -> Outcome {
                   json* t = c.user;
                   if (c.req.contains("user")) {
                     SIM_TRY(u, target_user(e, c));
                     t = *u;
                   }
                   if (auto f = may_manage(e, c, *t)) return cmon_mcp::unexpected(*f);
                   SIM_TRY(k, c.object_field("public_key"));
                   auto& keys = (*t)["_public_keys"];
                   for (size_t i = 0; i < keys.size(); ++i)
                     if ((k->contains("name") && keys[i]["name"] == (*k)["name"]) ||
                         (k->contains("key") && keys[i]["key"] == (*k)["key"])) {
                       keys.erase(i);
                       return json::object();
                     }
                   return fail("ObjectNotFound", "The key was not found.");
                 }});

  ops.push_back({"users", "createGroup", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(g, c.object_field("group"));
                   std::string name = g->value("group_name", "");
                   if (name.empty()) return fail("InvalidRequest", "Missing 'group.group_name' field.");
                   if (e.find_group(name))
                     return fail("InvalidRequest", "Group '" + name + "' already exists.");
                   json grp = {{"class_name", "CmonGroup"},
                               {"cdt_path", "/groups"},
                               {"owner_user_id", c.user_id()},
                               {"owner_user_name", c.user_name()},
                               {"owner_group_id", 1},
                               {"owner_group_name", "admins"},
                               {"acl", "user::rwx,group::rwx,other::---"},
                               {"created", Engine::now_iso()},
                               {"group_id", e.next_id("group")},
                               {"group_name", name}};
                   e.model()["groups"].push_back(grp);
                   return json{{"group", grp}};
                 }});

  ops.push_back({"users", "deleteGroup", true, false, [&e](Call& c) -> Outcome {
                   SIM_TRY(g, c.object_field("group"));
                   std::string name = g->value("group_name", "");
                   json* grp = e.find_group(name);
                   if (!grp) return fail("ObjectNotFound", "Group '" + name + "' does not exists.");
                   if (!e.user_is_superuser(*c.user))
                     return fail("AccessDenied", "Write access to group '" + name + "' is denied for user '" +
                                                     c.user_name() + "'.");
                   int members = 0;
                   for (const auto& u : e.model()["users"])
                     if (in_group(u, name)) ++members;
                   if (members)
                     return fail("InvalidRequest", "Group '" + name + "' can not be deleted for it has " +
                                                       std::to_string(members) + " member(s).");
                   auto& groups = e.model()["groups"];
                   for (size_t i = 0; i < groups.size(); ++i)
                     if (groups[i]["group_name"] == name) {
                       groups.erase(i);
                       break;
                     }
                   return json::object();
                 }});

  auto membership = [&e](bool add) {
    return [&e, add](Call& c) -> Outcome {
      SIM_TRY(t, target_user(e, c));
      SIM_TRY(gname, c.string_field("group_name"));
      json* grp = e.find_group(*gname);
      if (!grp) return fail("ObjectNotFound", "Group '" + *gname + "' does not exists.");
      if (!e.user_is_superuser(*c.user))
        return fail("AccessDenied",
                    "Access to group '" + *gname + "' is denied for user '" + c.user_name() + "'.");
      auto& groups = (**t)["groups"];
      if (add) {
        if (in_group(**t, *gname))
          return fail("InvalidRequest", "User '" + (**t)["user_name"].get<std::string>() +
                                            "' is already a member of group '" + *gname + "'.");
        SIM_TRY(replace, c.opt_bool("replace_primary_group", false));
        if (*replace && !groups.empty())
          groups[0] = *grp;
        else
          groups.push_back(*grp);
      } else {
        if (!in_group(**t, *gname))
          return fail("InvalidRequest", "User '" + (**t)["user_name"].get<std::string>() +
                                            "' is not a member of group '" + *gname + "'.");
        if (groups.size() == 1) return fail("InvalidRequest", "A user must stay in at least one group.");
        for (size_t i = 0; i < groups.size(); ++i)
          if (groups[i]["group_name"] == *gname) {
            groups.erase(i);
            break;
          }
      }
      return json{{"user", e.public_user(**t)}};
    };
  };
  ops.push_back({"users", "addToGroup", true, false, membership(true)});
  ops.push_back({"users", "removeFromGroup", true, false, membership(false)});

  ops.push_back({"users", "getUserPreferences", false, false, [&e](Call& c) -> Outcome {
                   std::string key = std::to_string(c.user_id());
                   return json{{"user_preferences", e.model()["preferences"].value(key, json::object())}};
                 }});
  ops.push_back({"users", "setUserPreferences", true, false, [&e](Call& c) -> Outcome {
                   json prefs = c.req.contains("user_preferences") ? c.req["user_preferences"]
                                : c.req.contains("user") && c.req["user"].is_object()
                                    ? c.req["user"].value("preferences", json())
                                    : json();
                   if (!prefs.is_object()) return fail("InvalidRequest", "Missing 'user_preferences' field.");
                   auto& mine = e.model()["preferences"][std::to_string(c.user_id())];
                   if (!mine.is_object()) mine = json::object();
                   mine.update(prefs);
                   return json::object();
                 }});
  ops.push_back({"users", "deleteUserPreferences", true, false, [&e](Call& c) -> Outcome {
                   e.model()["preferences"].erase(std::to_string(c.user_id()));
                   return json::object();
                 }});
}

}  // namespace cmon_sim
