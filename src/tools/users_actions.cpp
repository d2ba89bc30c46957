// Catalogue B.7 (CMON users and groups), state-changing side: planners run by the
// safety pipeline (action.cpp). All of them are controller-level (no cluster): they look the user and
// the groups up with getUsers / getGroups first, so a typo is answered with the close matches instead
// of CMON's "Username or password is incorrect.", and they refuse to lock the server out of CMON
// (disabling or deleting the user it is logged in as).
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "cmon_mcp/tools/action.hpp"
#include "cmon_mcp/tools/all.hpp"
#include "cmon_mcp/tools/common.hpp"

namespace cmon_mcp::tools {
namespace {

constexpr const char* kUsersPath = "/v2/users";

// ---------------------------------------------------------------------------------------------------
// Reading users and groups.

json user_ref(const std::string& name) {
  json ref = json::object();
  ref["class_name"] = "CmonUser";
  ref["user_name"] = name;
  return ref;
}

std::vector<std::string> group_names_of(const json& user) {
  std::vector<std::string> out;
  for (const auto& g : get_list(user, "groups")) {
    if (g.is_string())
      out.push_back(g.get<std::string>());
    else
      out.push_back(get_string(g, "group_name"));
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::vector<std::string> q;
  for (const auto& i : items) q.push_back("'" + i + "'");
  return join(q);
}

std::string full_name(const json& user) {
  std::string first = get_string(user, "first_name"), last = get_string(user, "last_name");
  if (first.empty()) return last;
  if (last.empty()) return first;
  return first + " " + last;
}

// The normalised user object of our results.
json user_summary(const json& user) {
  json groups = json::array();
  for (const auto& g : group_names_of(user)) groups.push_back(g);
  return json{{"user_id", get_int(user, "user_id")},
              {"user_name", get_string(user, "user_name")},
              {"first_name", get_string(user, "first_name")},
              {"last_name", get_string(user, "last_name")},
              {"email", get_string(user, "email_address")},
              {"title", get_string(user, "title")},
              {"groups", groups},
              {"disabled", get_bool(user, "disabled")}};
}

json user_summary_schema() {
  return o_obj({{"user_id", o_int()},
                {"user_name", o_str()},
                {"email", o_str()},
                {"groups", o_arr(o_str())},
                {"disabled", o_bool()}},
               {"user_name"});
}

// "'bob' (id 7, Bob Smith, bob@example.com)"
std::string user_label(const json& user) {
  std::string s = "'" + get_string(user, "user_name") + "' (id " + std::to_string(get_int(user, "user_id"));
  if (!full_name(user).empty()) s += ", " + full_name(user);
  if (!get_string(user, "email_address").empty()) s += ", " + get_string(user, "email_address");
  return s + ")";
}

awaitable<Expected<json, ToolResult>> fetch_users(ToolContext& ctx) {
  json fields = json::object();
  auto r = co_await call(ctx, kUsersPath, "getUsers", std::move(fields), "list ClusterControl users");
  if (!r) co_return unexpected(std::move(r.error()));
  json users = json::array();
  for (const auto& u : get_list(*r, "users"))
    if (u.is_object()) users.push_back(u);
  co_return users;
}

awaitable<Expected<std::vector<std::string>, ToolResult>> fetch_group_names(ToolContext& ctx) {
  json fields = json::object();
  auto r = co_await call(ctx, kUsersPath, "getGroups", std::move(fields), "list ClusterControl groups");
  if (!r) co_return unexpected(std::move(r.error()));
  std::vector<std::string> names;
  for (const auto& g : get_list(*r, "groups"))
    if (g.is_object() && !get_string(g, "group_name").empty()) names.push_back(get_string(g, "group_name"));
  co_return names;
}

// The user CMON knows as `name`: exact match, else the only case-insensitive match; otherwise an error
// listing the close matches (or every user when none is close).
Expected<json, ToolResult> find_user(const json& users, const std::string& name) {
  std::vector<json> ci;
  std::vector<std::string> all;
  for (const auto& u : users) {
    std::string n = get_string(u, "user_name");
    if (n == name) return u;
    if (iequals(n, name)) ci.push_back(u);
    all.push_back(n);
  }
  if (ci.size() == 1) return ci.front();
  std::vector<std::string> close = close_matches(name, all);
  std::string msg = "no ClusterControl user named '" + name + "'";
  if (!close.empty())
    msg += "; did you mean " + quoted_list(close) + "?";
  else
    msg += "; existing users: " + quoted_list(all);
  return unexpected(ToolResult::error(msg + " (list_cmon_users lists them)"));
}

// Each of `wanted` resolved to the group's real name (exact, else the only case-insensitive match);
// otherwise an error naming the missing groups and listing the valid ones.
Expected<std::vector<std::string>, ToolResult> resolve_groups(const std::vector<std::string>& wanted,
                                                              const std::vector<std::string>& existing) {
  std::vector<std::string> out, missing;
  for (const auto& w : wanted) {
    std::optional<std::string> hit;
    std::vector<std::string> ci;
    for (const auto& g : existing) {
      if (g == w) hit = g;
      if (iequals(g, w)) ci.push_back(g);
    }
    if (!hit && ci.size() == 1) hit = ci.front();
    if (hit) {
      if (std::find(out.begin(), out.end(), *hit) == out.end()) out.push_back(*hit);
    } else {
      missing.push_back(w);
    }
  }
  if (!missing.empty())
    return unexpected(ToolResult::error(std::string(missing.size() == 1 ? "group " : "groups ") +
                                        quoted_list(missing) + (missing.size() == 1 ? " does" : " do") +
                                        " not exist; valid groups: " + quoted_list(existing) +
                                        " (list_cmon_groups lists them)"));
  return out;
}

std::vector<std::string> string_list(const json& args, const char* key) {
  std::vector<std::string> out;
  for (const auto& v : get_list(args, key))
    if (v.is_string() && !v.get<std::string>().empty()) out.push_back(v.get<std::string>());
  return out;
}

// The user name the server is logged in as.
awaitable<Expected<std::string, ToolResult>> own_user_name(ToolContext& ctx) {
  json fields = json::object();
  auto r = co_await call(ctx, kUsersPath, "whoAmI", std::move(fields), "ask the controller who we are");
  if (!r) co_return unexpected(std::move(r.error()));
  co_return get_string(get_object(*r, "user"), "user_name");
}

bool plausible_email(const std::string& email) {
  auto at = email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= email.size()) return false;
  if (email.find('@', at + 1) != std::string::npos) return false;
  for (char c : email)
    if (std::isspace(static_cast<unsigned char>(c))) return false;
  auto dot = email.find('.', at + 2);
  return dot != std::string::npos && dot + 1 < email.size();
}

// ---------------------------------------------------------------------------------------------------
// Public keys.

std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0, chars = 0;
  for (char c : in) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) return std::nullopt;  // data after padding
    int v = value(c);
    if (v < 0) return std::nullopt;
    ++chars;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (pad > 2 || (chars + pad) % 4 != 0) return std::nullopt;
  return out;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// Why `key` is not a usable public key, nullopt when it looks like one: a PEM public key
// (BEGIN PUBLIC KEY / BEGIN RSA PUBLIC KEY, DER inside) or an OpenSSH public key line whose blob
// carries the key type it announces.
std::optional<std::string> public_key_problem(const std::string& raw) {
  const std::string key = trim(raw);
  const std::string expected =
      "expected a PEM public key (-----BEGIN PUBLIC KEY----- ...) or an OpenSSH public key line "
      "(ssh-ed25519 AAAA... comment)";
  if (key.find("PRIVATE KEY") != std::string::npos)
    return "public_key is a PRIVATE key: never send it; give the public half instead (ssh-keygen -y -f "
           "KEYFILE, or openssl pkey -in KEYFILE -pubout)";
  if (key.rfind("-----BEGIN ", 0) == 0) {
    auto eol = key.find("-----", 11);
    if (eol == std::string::npos) return "public_key: malformed PEM header; " + expected;
    std::string label = key.substr(11, eol - 11);
    if (label != "PUBLIC KEY" && label != "RSA PUBLIC KEY")
      return "public_key: PEM block '" + label + "' is not a public key; " + expected;
    std::string end_line = "-----END " + label + "-----";
    auto end = key.find(end_line);
    if (end == std::string::npos || end + end_line.size() != key.size())
      return "public_key: the PEM block has no '" + end_line + "' line at its end";
    auto body = base64_decode(std::string_view(key).substr(eol + 5, end - (eol + 5)));
    if (!body || body->size() < 32 || static_cast<unsigned char>((*body)[0]) != 0x30)
      return "public_key: the PEM body is not a base64 DER public key";
    return std::nullopt;
  }
  static const std::set<std::string> types = {"ssh-rsa",
                                              "ssh-dss",
                                              "ssh-ed25519",
                                              "ecdsa-sha2-nistp256",
                                              "ecdsa-sha2-nistp384",
                                              "ecdsa-sha2-nistp521",
                                              "sk-ssh-ed25519@openssh.com",
                                              "sk-ecdsa-sha2-nistp256@openssh.com"};
  auto sp = key.find_first_of(" \t");
  std::string type = key.substr(0, sp);
  if (sp == std::string::npos || !types.count(type))
    return "public_key does not look like a public key; " + expected;
  std::string rest = trim(key.substr(sp));
  std::string b64 = rest.substr(0, rest.find_first_of(" \t"));
  auto blob = base64_decode(b64);
  if (!blob || blob->size() < 4 + type.size())
    return "public_key: the " + type + " key data is not valid base64";
  const auto* p = reinterpret_cast<const unsigned char*>(blob->data());
  size_t len = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | size_t{p[3]};
  if (len != type.size() || blob->compare(4, len, type) != 0)
    return "public_key: the key data does not match its type " + type + " (truncated or pasted wrongly?)";
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------
// Results.

// on_done for a plan whose last reply carries the changed user (or, when it does not, `fallback`).
std::function<ToolResult(const ActionPlan&, const std::vector<json>&)> user_result(std::string tool,
                                                                                   std::string done_text,
                                                                                   json fallback,
                                                                                   std::string note = "") {
  return [tool = std::move(tool), done_text = std::move(done_text), fallback = std::move(fallback),
          note = std::move(note)](const ActionPlan& plan, const std::vector<json>& replies) {
    json user = fallback;
    for (const auto& r : replies)
      if (r.contains("user") && r["user"].is_object()) user = r["user"];
    json out = json::object();
    out["tool"] = tool;
    out["status"] = "done";
    out["summary"] = plan.summary;
    std::string text = done_text + "\n";
    if (user.is_object() && !user.empty()) {
      out["user"] = user_summary(user);
      const json& s = out["user"];
      text +=
          "User " + user_label(user) + ": groups " + join(group_names_of(user)) +
          (s["disabled"].get<bool>() ? ", DISABLED" : ", enabled") +
          (s["title"].get<std::string>().empty() ? "" : ", title '" + s["title"].get<std::string>() + "'") +
          ".\n";
    }
    for (auto& [k, v] : plan.generated.items())
      text += "Generated " + k + " (shown only this once, store it now): " + v.get<std::string>() + "\n";
    if (!note.empty()) text += note + "\n";
    return ToolResult::structured_text(std::move(text), std::move(out));
  };
}

json output_schema() {
  return o_obj({{"tool", o_str()},
                {"status", o_str()},
                {"summary", o_str()},
                {"dry_run", o_bool()},
                {"user", user_summary_schema()}},
               {"status", "summary"});
}

// ---------------------------------------------------------------------------------------------------
// Planners.

awaitable<Expected<ActionPlan, ToolResult>> plan_create_user(ToolContext& ctx, const json& args) {
  const std::string name = get_string(args, "user_name");
  if (name.empty()) co_return unexpected(ToolResult::error("user_name is required"));
  const std::string email = get_string(args, "email");
  if (!email.empty() && !plausible_email(email))
    co_return unexpected(ToolResult::error("email '" + email + "' is not an e-mail address (name@domain)"));
  const std::string key = get_string(args, "public_key");
  if (!key.empty())
    if (auto problem = public_key_problem(key)) co_return unexpected(ToolResult::error(*problem));

  auto users = co_await fetch_users(ctx);
  if (!users) co_return unexpected(std::move(users.error()));
  for (const auto& u : *users)
    if (get_string(u, "user_name") == name)
      co_return unexpected(ToolResult::error(
          "a ClusterControl user named '" + name + "' already exists " + user_label(u) +
          "; choose another name, or use update_cmon_user / set_cmon_user_groups / change_cmon_password "
          "to change it"));

  std::vector<std::string> groups;
  const std::vector<std::string> wanted = string_list(args, "groups");
  if (!wanted.empty()) {
    auto existing = co_await fetch_group_names(ctx);
    if (!existing) co_return unexpected(std::move(existing.error()));
    auto g = resolve_groups(wanted, *existing);
    if (!g) co_return unexpected(std::move(g.error()));
    groups = std::move(*g);
  }

  json user = user_ref(name);
  for (const char* k : {"first_name", "last_name", "title"})
    if (!get_string(args, k).empty()) user[k] = get_string(args, k);
  if (!email.empty()) user["email_address"] = email;
  if (!groups.empty()) {
    json gs = json::array();
    for (const auto& g : groups) gs.push_back(json{{"class_name", "CmonGroup"}, {"group_name", g}});
    user["groups"] = gs;
  }
  if (!key.empty()) {
    std::string key_name = get_string(args, "public_key_name");
    if (key_name.empty()) key_name = name;
    user["public_keys"] = json::array({json{{"name", key_name}, {"key", trim(key)}}});
  }

  ActionPlan plan;
  std::string password = get_string(args, "password");
  const bool generated = password.empty();
  if (generated) {
    password = generate_password();
    plan.generated["password"] = password;
  }
  json fields = json::object();
  fields["user"] = std::move(user);
  fields["new_password"] = password;
  if (get_bool(args, "force_password_update")) fields["force_password_update"] = true;

  plan.summary = "Create ClusterControl user '" + name + "' in " +
                 (groups.empty() ? std::string("CMON's default group") : "group(s) " + join(groups)) +
                 (generated ? " with a generated password (returned once)" : " with the given password") +
                 (key.empty() ? "" : " and a public key");
  plan.requests.push_back(CmonRequest{kUsersPath, "createUser", std::move(fields), {"/new_password"}});
  plan.on_done =
      user_result("create_cmon_user", "Created ClusterControl user '" + name + "'.", json::object(),
                  generated ? "Give the password to the user over a safe channel; with "
                              "force_password_update they must change it at first login."
                            : "");
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_update_user(ToolContext& ctx, const json& args) {
  auto users = co_await fetch_users(ctx);
  if (!users) co_return unexpected(std::move(users.error()));
  auto u = find_user(*users, get_string(args, "user_name"));
  if (!u) co_return unexpected(std::move(u.error()));
  const std::string name = get_string(*u, "user_name");

  const std::string email = get_string(args, "email");
  if (args.contains("email") && !plausible_email(email))
    co_return unexpected(ToolResult::error("email '" + email + "' is not an e-mail address (name@domain)"));

  // argument -> CMON field
  static const std::vector<std::pair<const char*, const char*>> editable = {{"first_name", "first_name"},
                                                                            {"last_name", "last_name"},
                                                                            {"email", "email_address"},
                                                                            {"title", "title"}};
  json user = user_ref(name);
  std::vector<std::string> changes;
  bool any = false;
  for (const auto& [arg, field] : editable) {
    if (!args.contains(arg)) continue;
    any = true;
    std::string now = get_string(*u, field), want = get_string(args, arg);
    if (now == want) continue;
    user[field] = want;
    changes.push_back(std::string(field) + " '" + now + "' -> '" + want + "'");
  }
  if (!any)
    co_return unexpected(
        ToolResult::error("nothing to change: give at least one of first_name, last_name, email, title"));
  if (changes.empty())
    co_return unexpected(
        ToolResult::error("nothing to change: user " + user_label(*u) + " already has these values"));

  ActionPlan plan;
  plan.summary = "Update ClusterControl user '" + name + "': " + join(changes, "; ");
  json fields = json::object();
  fields["user"] = std::move(user);
  plan.requests.push_back(CmonRequest{kUsersPath, "setUser", std::move(fields), {}});
  plan.on_done =
      user_result("update_cmon_user", "Updated user '" + name + "': " + join(changes, "; ") + ".", *u);
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_set_enabled(ToolContext& ctx, const json& args) {
  auto users = co_await fetch_users(ctx);
  if (!users) co_return unexpected(std::move(users.error()));
  auto u = find_user(*users, get_string(args, "user_name"));
  if (!u) co_return unexpected(std::move(u.error()));
  const std::string name = get_string(*u, "user_name");
  const bool enable = get_bool(args, "enabled", true);

  if (!enable) {
    auto me = co_await own_user_name(ctx);
    if (!me) co_return unexpected(std::move(me.error()));
    if (*me == name)
      co_return unexpected(ToolResult::error(
          "refused: '" + name +
          "' is the ClusterControl user this MCP server is logged in as; disabling it would lock the server "
          "out of CMON. Disable it from another administrator account (ClusterControl UI or s9s) if you "
          "really mean to."));
  }
  if (get_bool(*u, "disabled") == !enable)
    co_return unexpected(ToolResult::error("nothing to change: user " + user_label(*u) + " is already " +
                                           (enable ? "enabled" : "disabled")));

  ActionPlan plan;
  plan.summary = std::string(enable ? "Enable" : "Disable") + " ClusterControl user '" + name + "'";
  plan.effect = enable ? "User " + user_label(*u) + " can log in to ClusterControl again."
                       : "User " + user_label(*u) +
                             " can no longer log in to ClusterControl (UI, s9s, API) until enabled again; "
                             "the account and its settings are kept.";
  json fields = json::object();
  fields["user"] = user_ref(name);
  plan.requests.push_back(CmonRequest{kUsersPath, enable ? "enable" : "disable", std::move(fields), {}});
  plan.on_done = user_result("set_cmon_user_enabled",
                             std::string(enable ? "Enabled" : "Disabled") + " user '" + name + "'.", *u);
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_set_groups(ToolContext& ctx, const json& args) {
  const std::vector<std::string> add_in = string_list(args, "add"), remove_in = string_list(args, "remove");
  const bool replace_primary = get_bool(args, "replace_primary_group");
  if (add_in.empty() && remove_in.empty())
    co_return unexpected(
        ToolResult::error("give add and/or remove: the groups to add the user to or "
                          "remove them from"));
  if (replace_primary && add_in.size() != 1)
    co_return unexpected(
        ToolResult::error("replace_primary_group needs exactly one group in add (the new primary group)"));

  auto users = co_await fetch_users(ctx);
  if (!users) co_return unexpected(std::move(users.error()));
  auto u = find_user(*users, get_string(args, "user_name"));
  if (!u) co_return unexpected(std::move(u.error()));
  const std::string name = get_string(*u, "user_name");

  auto existing = co_await fetch_group_names(ctx);
  if (!existing) co_return unexpected(std::move(existing.error()));
  auto add = resolve_groups(add_in, *existing);
  if (!add) co_return unexpected(std::move(add.error()));
  auto remove = resolve_groups(remove_in, *existing);
  if (!remove) co_return unexpected(std::move(remove.error()));
  for (const auto& g : *add)
    if (std::find(remove->begin(), remove->end(), g) != remove->end())
      co_return unexpected(ToolResult::error("group '" + g + "' is in both add and remove"));

  const std::vector<std::string> current = group_names_of(*u);
  auto member = [&](const std::string& g) {
    return std::find(current.begin(), current.end(), g) != current.end();
  };
  std::vector<std::string> to_add, to_remove, notes;
  for (const auto& g : *add) {
    if (member(g))
      notes.push_back("already in '" + g + "'");
    else
      to_add.push_back(g);
  }
  for (const auto& g : *remove) {
    if (!member(g))
      notes.push_back("not in '" + g + "'");
    else
      to_remove.push_back(g);
  }
  if (to_add.empty() && to_remove.empty())
    co_return unexpected(ToolResult::error("nothing to change: user '" + name + "' is " + join(notes, ", ") +
                                           " (current groups: " + join(current) + ")"));

  // The groups after the change: a user must stay in at least one.
  std::vector<std::string> after = current;
  if (replace_primary && !to_add.empty() && !after.empty()) {
    after[0] = to_add[0];
  } else {
    after.insert(after.end(), to_add.begin(), to_add.end());
  }
  for (const auto& g : to_remove) after.erase(std::remove(after.begin(), after.end(), g), after.end());
  if (after.empty())
    co_return unexpected(ToolResult::error("refused: user '" + name +
                                           "' would be left without any group; a ClusterControl user must "
                                           "stay in at least one (add the new group in the same call)"));

  ActionPlan plan;
  std::vector<std::string> parts;
  if (!to_add.empty())
    parts.push_back("add to " + join(to_add) +
                    (replace_primary
                         ? " (as primary group, replacing " + (current.empty() ? "none" : current[0]) + ")"
                         : ""));
  if (!to_remove.empty()) parts.push_back("remove from " + join(to_remove));
  plan.summary = "Change the groups of ClusterControl user '" + name + "': " + join(parts, "; ") +
                 " (groups after: " + join(after) + ")";
  if (!notes.empty()) plan.summary += "; skipped: " + join(notes, ", ");
  // Additions first, so that moving a user out of their only group in one call works.
  for (const auto& g : to_add) {
    json fields = json::object();
    fields["user"] = user_ref(name);
    fields["group_name"] = g;
    if (replace_primary) fields["replace_primary_group"] = true;
    plan.requests.push_back(CmonRequest{kUsersPath, "addToGroup", std::move(fields), {}});
  }
  for (const auto& g : to_remove) {
    json fields = json::object();
    fields["user"] = user_ref(name);
    fields["group_name"] = g;
    plan.requests.push_back(CmonRequest{kUsersPath, "removeFromGroup", std::move(fields), {}});
  }
  std::string note;
  const bool admin_change = std::find(to_add.begin(), to_add.end(), "admins") != to_add.end() ||
                            std::find(to_remove.begin(), to_remove.end(), "admins") != to_remove.end();
  if (admin_change) note = "Membership of 'admins' grants (or withdrew) full administrator rights.";
  plan.on_done = user_result("set_cmon_user_groups",
                             "Changed the groups of '" + name + "': " + join(parts, "; ") + ".", *u, note);
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_change_password(ToolContext& ctx, const json& args) {
  auto users = co_await fetch_users(ctx);
  if (!users) co_return unexpected(std::move(users.error()));
  auto u = find_user(*users, get_string(args, "user_name"));
  if (!u) co_return unexpected(std::move(u.error()));
  const std::string name = get_string(*u, "user_name");
  auto me = co_await own_user_name(ctx);
  if (!me) co_return unexpected(std::move(me.error()));
  const bool self = *me == name;

  ActionPlan plan;
  std::string password = get_string(args, "new_password");
  const bool generated = password.empty();
  if (generated) {
    password = generate_password();
    plan.generated["new_password"] = password;
  }
  json fields = json::object();
  fields["user"] = user_ref(name);
  fields["new_password"] = password;
  std::vector<std::string> secrets = {"/new_password"};
  const std::string old = get_string(args, "old_password");
  if (!old.empty()) {
    fields["old_password"] = old;
    secrets.push_back("/old_password");
  }
  if (get_bool(args, "force_password_update")) fields["force_password_update"] = true;

  plan.summary = "Change the password of ClusterControl user '" + name + "'" +
                 (generated ? " to a generated one (returned once)" : "");
  std::string note;
  if (self) {
    note = "'" + name +
           "' is the user this MCP server logs in as: update its configured password (CMON_PASSWORD or "
           "CMON_PASSWORD_FILE) now, or its next login to CMON will fail.";
    plan.effect = "The old password of '" + name + "' stops working. " + note;
  } else {
    plan.effect = "The old password of " + user_label(*u) +
                  " stops working; their open sessions are not "
                  "affected.";
  }
  plan.requests.push_back(CmonRequest{kUsersPath, "changePassword", std::move(fields), std::move(secrets)});
  plan.on_done = user_result("change_cmon_password", "Changed the password of '" + name + "'.", *u, note);
  co_return plan;
}

awaitable<Expected<ActionPlan, ToolResult>> plan_delete_user(ToolContext& ctx, const json& args) {
  auto users = co_await fetch_users(ctx);
  if (!users) co_return unexpected(std::move(users.error()));
  const std::string wanted = get_string(args, "user_name");
  // Deleting is not the place for a case-insensitive guess: the name must be exact.
  json user;
  for (const auto& u : *users)
    if (get_string(u, "user_name") == wanted) user = u;
  if (user.is_null()) {
    auto u = find_user(*users, wanted);
    if (!u) co_return unexpected(std::move(u.error()));
    co_return unexpected(ToolResult::error("no ClusterControl user named exactly '" + wanted +
                                           "'; did you mean '" + get_string(*u, "user_name") +
                                           "'? Deleting needs the exact name."));
  }
  const std::string name = get_string(user, "user_name");
  auto me = co_await own_user_name(ctx);
  if (!me) co_return unexpected(std::move(me.error()));
  if (*me == name)
    co_return unexpected(ToolResult::error(
        "refused: '" + name +
        "' is the ClusterControl user this MCP server is logged in as; deleting it would lock the server "
        "out of CMON. Delete it from another administrator account if you really mean to."));
  if (name == "system" || get_int(user, "user_id") == 1)
    co_return unexpected(ToolResult::error(
        "refused: '" + name + "' is the controller's built-in system user (id 1); CMON needs it"));

  ActionPlan plan;
  plan.summary = "Delete ClusterControl user '" + name + "'";
  std::vector<std::string> groups = group_names_of(user);
  plan.effect = "This deletes ClusterControl user " + user_label(user) +
                (groups.empty() ? "" : ", member of " + join(groups)) +
                ": they can no longer log in to ClusterControl, and their public keys and preferences "
                "are removed. This cannot be undone (create_cmon_user makes a new user, with a new id). "
                "Database accounts on the clusters are not affected.";
  if (get_bool(user, "disabled"))
    plan.effect += " (The user is currently disabled; set_cmon_user_enabled keeps the account instead.)";
  else
    plan.effect += " To only stop them logging in, use set_cmon_user_enabled with enabled: false instead.";
  json fields = json::object();
  fields["user"] = user_ref(name);
  plan.requests.push_back(CmonRequest{kUsersPath, "deleteUser", std::move(fields), {}});
  plan.on_done = [name](const ActionPlan& p, const std::vector<json>&) {
    json out = json::object();
    out["tool"] = "delete_cmon_user";
    out["status"] = "done";
    out["summary"] = p.summary;
    out["deleted_user"] = name;
    return ToolResult::structured_text("Deleted ClusterControl user '" + name + "'.\n", std::move(out));
  };
  co_return plan;
}

}  // namespace

void register_users_actions(Registry& registry) {
  const std::string user_name_pattern = "^[A-Za-z0-9_][A-Za-z0-9_.@-]*$";
  auto existing_user = [](std::string what) {
    return s_string("ClusterControl user name " + what + " (see list_cmon_users).", std::nullopt, 128);
  };
  auto group_list = [](std::string what) {
    return s_array(s_string("A group name.", std::nullopt, 128), what + " (see list_cmon_groups).", 20);
  };

  registry.add(ToolDefinition{
      .name = "create_cmon_user",
      .title = "Create ClusterControl user",
      .description =
          "Creates a ClusterControl (CMON) user, not a database account (CMON createUser). The groups must "
          "exist (an unknown group is answered with the valid ones); 'admins' gives full administrator "
          "rights, 'users' ordinary access. Without a password a strong one is generated and returned once "
          "in the result (generated.password). An optional public key (PEM or OpenSSH line) lets the user "
          "log in with a key. Refused when the name is taken. Returns the new user (id, groups).\n"
          "Example: {\"user_name\": \"alice\", \"groups\": [\"users\"], \"email\": \"alice@example.com\", "
          "\"first_name\": \"Alice\", \"last_name\": \"Smith\"}",
      .group = "users",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .prop("user_name", s_string("Login name of the new user.", user_name_pattern, 64), true)
              .prop("groups", group_list("Groups to put the user in, primary group first (default: CMON's "
                                         "default group, 'users')"))
              .prop("email",
                    s_string("E-mail address (needed for password reset by mail).", std::nullopt, 254))
              .prop("first_name", s_string("First name.", std::nullopt, 128))
              .prop("last_name", s_string("Last name.", std::nullopt, 128))
              .prop("title", s_string("Job title.", std::nullopt, 128))
              .prop("password", s_secret("Initial password; generated (24 characters) and returned once "
                                         "when omitted.",
                                         256))
              .prop("force_password_update", s_boolean("The user must choose a new password at first login."))
              .prop("public_key",
                    s_string("A public key for key login: PEM (-----BEGIN PUBLIC KEY-----...) or an OpenSSH "
                             "line (ssh-ed25519 AAAA... comment). Never a private key.",
                             std::nullopt, 16384))
              .prop("public_key_name",
                    s_string("A label for the key (default: the user name).", std::nullopt, 128))
              .build(),
      .output_schema = output_schema(),
      .action = make_action(plan_create_user),
  });

  registry.add(ToolDefinition{
      .name = "update_cmon_user",
      .title = "Update ClusterControl user",
      .description =
          "Changes the first/last name, e-mail address or title of a ClusterControl (CMON) user (CMON "
          "setUser). Only the given fields change; an unknown user is answered with the close matches. For "
          "groups use set_cmon_user_groups, for the password change_cmon_password. Returns the user as it is "
          "now and the changes made.\nExample: {\"user_name\": \"alice\", \"email\": \"alice@corp.example\", "
          "\"title\": \"DBA\"}",
      .group = "users",
      .tool_class = ToolClass::write,
      .input_schema = Schema()
                          .prop("user_name", existing_user("of the user to change"), true)
                          .prop("first_name", s_string("New first name.", std::nullopt, 128))
                          .prop("last_name", s_string("New last name.", std::nullopt, 128))
                          .prop("email", s_string("New e-mail address.", std::nullopt, 254))
                          .prop("title", s_string("New job title.", std::nullopt, 128))
                          .build(),
      .output_schema = output_schema(),
      .action = make_action(plan_update_user),
  });

  registry.add(ToolDefinition{
      .name = "set_cmon_user_enabled",
      .title = "Enable or disable ClusterControl user",
      .description =
          "Enables or disables a ClusterControl (CMON) user (CMON enable / disable). A disabled user cannot "
          "log in but keeps their account, groups and keys; this is the reversible alternative to "
          "delete_cmon_user. Refuses to disable the user this MCP server is logged in as. Returns the user "
          "with its new state.\nExample: {\"user_name\": \"alice\", \"enabled\": false}",
      .group = "users",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .prop("user_name", existing_user("of the user"), true)
              .prop("enabled", s_boolean("true to enable (allow logins), false to disable."), true)
              .build(),
      .output_schema = output_schema(),
      .action = make_action(plan_set_enabled),
  });

  registry.add(ToolDefinition{
      .name = "set_cmon_user_groups",
      .title = "Change ClusterControl user's groups",
      .description =
          "Adds a ClusterControl (CMON) user to groups and/or removes them from groups (CMON addToGroup / "
          "removeFromGroup, additions first). Groups must exist; groups the user is already in (add) or not "
          "in (remove) are skipped; a user must keep at least one group. 'admins' means full administrator "
          "rights. Returns the user with their groups after the change.\nExample: {\"user_name\": \"alice\", "
          "\"add\": [\"dba\"], \"remove\": [\"users\"]}",
      .group = "users",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .prop("user_name", existing_user("of the user"), true)
              .prop("add", group_list("Groups to add the user to"))
              .prop("remove", group_list("Groups to remove the user from"))
              .prop("replace_primary_group",
                    s_boolean("With exactly one group in add: make it the user's primary group, replacing "
                              "(leaving) the current primary group."))
              .build(),
      .output_schema = output_schema(),
      .action = make_action(plan_set_groups),
  });

  registry.add(ToolDefinition{
      .name = "change_cmon_password",
      .title = "Change ClusterControl password",
      .description =
          "Sets a new password for a ClusterControl (CMON) user (CMON changePassword). Without new_password "
          "a strong one is generated and returned once (generated.new_password). old_password is only "
          "needed when a non-administrator changes their own password. Passwords are never shown in dry runs "
          "or logs. Changing the password of the user this server logs in as also requires updating the "
          "server's configuration.\nExample: {\"user_name\": \"alice\", \"force_password_update\": true}",
      .group = "users",
      .tool_class = ToolClass::write,
      .input_schema =
          Schema()
              .prop("user_name", existing_user("whose password changes"), true)
              .prop("new_password",
                    s_secret("The new password; generated (24 characters) and returned once when omitted.",
                             256))
              .prop("old_password", s_secret("The current password, when CMON asks for it (a "
                                             "non-administrator changing their own password).",
                                             256))
              .prop("force_password_update",
                    s_boolean("The user must choose another password at their next login."))
              .build(),
      .output_schema = output_schema(),
      .action = make_action(plan_change_password),
  });

  registry.add(ToolDefinition{
      .name = "delete_cmon_user",
      .title = "Delete ClusterControl user",
      .description =
          "Deletes a ClusterControl (CMON) user for good (CMON deleteUser): they can no longer log in, and "
          "their keys and preferences are removed; database accounts are not affected. Destructive: the user "
          "is asked to confirm (or confirm=true when the client cannot ask); dry_run=true shows the effect. "
          "Needs the exact user name; refuses the user this server is logged in as and the built-in 'system' "
          "user. set_cmon_user_enabled with enabled=false is the reversible alternative.\n"
          "Example: {\"user_name\": \"alice\"}",
      .group = "users",
      .tool_class = ToolClass::destructive,
      .input_schema = Schema().prop("user_name", existing_user("to delete (exact)"), true).build(),
      .output_schema = o_obj({{"tool", o_str()},
                              {"status", o_str()},
                              {"summary", o_str()},
                              {"dry_run", o_bool()},
                              {"deleted_user", o_str()}},
                             {"status", "summary"}),
      .action = make_action(plan_delete_user),
  });
}

}  // namespace cmon_mcp::tools
