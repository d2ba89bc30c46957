// Engine core: fixture loading, sessions, the reply envelope and operation dispatch.
#include "cmon_sim/engine.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "cmon_sim/model_builder.hpp"

namespace cmon_sim {

std::string default_fixture_path() {
  return CMON_SIM_DEFAULT_FIXTURE;
}

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::mt19937_64& rng() {
  static std::mt19937_64 gen{std::random_device{}()};
  return gen;
}

std::string type_name(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

Failure missing(const std::string& key) {
  return {"InvalidRequest", "Missing '" + key + "' field."};
}
Failure wrong_type(const std::string& key, const json& v, const char* expected) {
  return {"InvalidRequest", "The '" + key + "' field should be " + expected + ", got " + type_name(v) + "."};
}

// Accepts integers and integer-valued strings: clients send ids either way (§17.2).
std::optional<int64_t> as_int(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return v.get<int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s.empty() || s.size() > 18) return std::nullopt;
    size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return std::nullopt;
    for (size_t k = i; k < s.size(); ++k)
      if (!std::isdigit(static_cast<unsigned char>(s[k]))) return std::nullopt;
    return std::stoll(s);
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------- Call accessors

cmon_mcp::Expected<int64_t, Failure> Call::int_field(const std::string& key) const {
  if (!req.contains(key) || req[key].is_null()) return cmon_mcp::unexpected(missing(key));
  auto v = as_int(req[key]);
  if (!v) return cmon_mcp::unexpected(wrong_type(key, req[key], "an integer"));
  return *v;
}
cmon_mcp::Expected<std::string, Failure> Call::string_field(const std::string& key) const {
  if (!req.contains(key) || req[key].is_null()) return cmon_mcp::unexpected(missing(key));
  if (!req[key].is_string()) return cmon_mcp::unexpected(wrong_type(key, req[key], "a string"));
  return req[key].get<std::string>();
}
cmon_mcp::Expected<json, Failure> Call::object_field(const std::string& key) const {
  if (!req.contains(key) || req[key].is_null()) return cmon_mcp::unexpected(missing(key));
  if (!req[key].is_object()) return cmon_mcp::unexpected(wrong_type(key, req[key], "an object"));
  return req[key];
}
cmon_mcp::Expected<json, Failure> Call::array_field(const std::string& key) const {
  if (!req.contains(key) || req[key].is_null()) return cmon_mcp::unexpected(missing(key));
  if (!req[key].is_array()) return cmon_mcp::unexpected(wrong_type(key, req[key], "an array"));
  return req[key];
}
cmon_mcp::Expected<int64_t, Failure> Call::opt_int(const std::string& key, int64_t def) const {
  if (!req.contains(key) || req[key].is_null()) return def;
  auto v = as_int(req[key]);
  if (!v) return cmon_mcp::unexpected(wrong_type(key, req[key], "an integer"));
  return *v;
}
cmon_mcp::Expected<bool, Failure> Call::opt_bool(const std::string& key, bool def) const {
  if (!req.contains(key) || req[key].is_null()) return def;
  const auto& v = req[key];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number_integer()) return v.get<int64_t>() != 0;
  if (v.is_string() && (v == "true" || v == "false")) return v == "true";
  return cmon_mcp::unexpected(wrong_type(key, v, "a boolean"));
}
cmon_mcp::Expected<std::string, Failure> Call::opt_string(const std::string& key, std::string def) const {
  if (!req.contains(key) || req[key].is_null()) return def;
  if (!req[key].is_string()) return cmon_mcp::unexpected(wrong_type(key, req[key], "a string"));
  return req[key].get<std::string>();
}
std::string Call::user_name() const {
  return user ? user->value("user_name", "") : "";
}
int64_t Call::user_id() const {
  return user ? user->value("user_id", int64_t{0}) : 0;
}

cmon_mcp::Expected<json, Failure> paginate(const Call& c, const json& items) {
  auto limit = c.opt_int("limit", -1);
  if (!limit) return cmon_mcp::unexpected(limit.error());
  auto offset = c.opt_int("offset", 0);
  if (!offset) return cmon_mcp::unexpected(offset.error());
  if (*offset < 0) return fail("InvalidRequest", "The 'offset' field must not be negative.");
  json page = json::array();
  int64_t n = static_cast<int64_t>(items.size());
  for (int64_t i = *offset; i < n; ++i) {
    if (*limit >= 0 && static_cast<int64_t>(page.size()) >= *limit) break;
    page.push_back(items[static_cast<size_t>(i)]);
  }
  return page;
}

// ---------------------------------------------------------------- time and ids

int64_t Engine::now_epoch() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Engine::iso_from_epoch(int64_t epoch_s, int millis) {
  std::time_t t = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::string Engine::now_iso() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
  return iso_from_epoch(ms / 1000, static_cast<int>(ms % 1000));
}

std::string Engine::random_uuid() {
  std::uniform_int_distribution<uint64_t> d;
  uint64_t a = d(rng()), b = d(rng());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(((b >> 48) & 0x3fff) | 0x8000),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

int64_t Engine::next_id(const std::string& counter) {
  auto& c = model_["counters"][counter];
  if (!c.is_number_integer()) c = 1;
  int64_t id = c.get<int64_t>();
  c = id + 1;
  return id;
}

// ---------------------------------------------------------------- creation

cmon_mcp::Expected<std::unique_ptr<Engine>, std::string> Engine::create(const SimOptions& options) {
  std::unique_ptr<Engine> e(new Engine());
  auto ok = e->load(options);
  if (!ok) return cmon_mcp::unexpected(ok.error());
  e->register_operations();
  return e;
}

cmon_mcp::Expected<bool, std::string> Engine::load(const SimOptions& options) {
  std::string path = options.fixture.empty() ? default_fixture_path() : options.fixture;
  std::ifstream in(path);
  if (!in) return cmon_mcp::unexpected("cannot open fixture " + path);
  json fixture = json::parse(in, nullptr, false, true);
  if (fixture.is_discarded() || !fixture.is_object())
    return cmon_mcp::unexpected("fixture " + path + " is not a JSON object");
  auto built = build_model(fixture);
  if (!built) return cmon_mcp::unexpected("fixture " + path + ": " + built.error());
  model_ = std::move(*built);
  controller_id_ = model_.value("controller_id", std::string());
  session_idle_s_ = options.session_idle_s;
  job_speed_ = options.job_speed > 0 ? options.job_speed : 1.0;

  // Command-line users replace the fixture's password of the same name, or are added.
  auto upsert = [&](const std::string& name, bool readonly) -> json& {
    json* u = find_user(name);
    if (!u) {
      json nu = {{"user_name", name},
                 {"first_name", name},
                 {"last_name", "User"},
                 {"groups", readonly ? json::array({"users"}) : json::array({"admins"})}};
      model_["users"].push_back(finish_user(model_, nu));
      u = &model_["users"].back();
    }
    (*u)["_readonly"] = readonly;
    return *u;
  };
  auto users = options.users;
  if (users.empty() && options.readonly_users.empty() && options.user_keys.empty())
    users.push_back({"admin", "admin"});
  else if (users.empty() && !find_user("admin"))
    users.push_back({"admin", "admin"});
  for (const auto& u : users) upsert(u.name, false)["_password"] = u.secret;
  for (const auto& u : options.readonly_users) upsert(u.name, true)["_password"] = u.secret;
  for (const auto& k : options.user_keys) {
    if (!valid_public_key_pem(k.secret))
      return cmon_mcp::unexpected("the public key for " + k.name + " is not an RSA PEM key");
    json* u = find_user(k.name);
    json& user = u ? *u : upsert(k.name, false);
    user["_public_keys"].push_back({{"name", "cmdline"}, {"key", k.secret}});
  }
  return true;
}

// ---------------------------------------------------------------- lookups

json* Engine::find_cluster(int64_t id) {
  for (auto& c : model_["clusters"])
    if (c.value("cluster_id", int64_t{-1}) == id) return &c;
  return nullptr;
}
json* Engine::find_cluster_by_name(const std::string& name) {
  for (auto& c : model_["clusters"])
    if (c.value("cluster_name", "") == name) return &c;
  return nullptr;
}
json* Engine::find_user(const std::string& name) {
  for (auto& u : model_["users"])
    if (u.value("user_name", "") == name) return &u;
  return nullptr;
}
json* Engine::find_user_by_id(int64_t id) {
  for (auto& u : model_["users"])
    if (u.value("user_id", int64_t{-1}) == id) return &u;
  return nullptr;
}
json* Engine::find_group(const std::string& name) {
  for (auto& g : model_["groups"])
    if (g.value("group_name", "") == name) return &g;
  return nullptr;
}
json* Engine::find_host(json& cluster, const std::string& hostname, int64_t port) {
  for (auto& h : cluster["hosts"]) {
    if (h.value("hostname", "") != hostname) continue;
    if (port != 0 && h.value("port", int64_t{0}) != port) continue;
    if (port == 0 && h.value("nodetype", "") == "controller") continue;
    return &h;
  }
  return nullptr;
}
json* Engine::find_job(int64_t id) {
  for (auto& j : model_["jobs"])
    if (j.value("job_id", int64_t{-1}) == id) return &j;
  return nullptr;
}

cmon_mcp::Expected<json*, Failure> Engine::resolve_cluster(const Call& c, NotFoundStyle style,
                                                           bool required) {
  auto not_found = [&](const std::string& text) {
    return fail(style == NotFoundStyle::ObjectNotFound ? "ObjectNotFound" : "InvalidRequest", text);
  };
  if (c.req.contains("cluster_name") && !c.req["cluster_name"].is_null()) {
    auto name = c.string_field("cluster_name");
    if (!name) return cmon_mcp::unexpected(name.error());
    json* cl = find_cluster_by_name(*name);
    if (!cl) {
      if (style == NotFoundStyle::ObjectNotFound)
        return fail("ObjectNotFound", "No CmonCluster instance is available for cluster " + *name + ".");
      return not_found("Cluster was not found.");
    }
    return cl;
  }
  auto id = c.opt_int("cluster_id", -1);
  if (!id) return cmon_mcp::unexpected(id.error());
  if (*id < 0 || (*id == 0 && !required)) {
    if (required) return cmon_mcp::unexpected(missing("cluster_id"));
    return static_cast<json*>(nullptr);
  }
  json* cl = find_cluster(*id);
  if (!cl) return not_found("Cluster was not found.");
  return cl;
}

bool Engine::user_is_superuser(const json& user) const {
  for (const auto& g : user.value("groups", json::array()))
    if (g.is_object() && g.value("group_name", "") == "admins") return true;
  return false;
}

// ---------------------------------------------------------------- public views

namespace {
// The members of `payload` as dump(2) renders them inside an object at the top level: each member on
// its own line, indented by two spaces, nested lines by two more. JSON strings hold no raw newline, so
// every newline of a member's text starts a nested line.
std::string render_members(const json& payload) {
  std::string out;
  for (auto it = payload.begin(); it != payload.end(); ++it) {
    if (!out.empty()) out += ",\n";
    out += "  ";
    out += json(it.key()).dump();
    out += ": ";
    for (char ch : it.value().dump(2)) {
      out += ch;
      if (ch == '\n') out += "  ";
    }
  }
  return out;
}

// A copy without the model's internal keys (those starting with '_'), built in one pass: a
// getAllClusterInfo not answered from the reply cache copies the whole model this way.
json strip_internal(const json& v) {
  if (v.is_object()) {
    json out = json::object();
    auto& members = out.get_ref<json::object_t&>();
    for (const auto& [key, value] : v.get_ref<const json::object_t&>())
      if (key.empty() || key[0] != '_') members.emplace_hint(members.end(), key, strip_internal(value));
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    auto& elements = out.get_ref<json::array_t&>();
    elements.reserve(v.size());
    for (const auto& e : v) elements.push_back(strip_internal(e));
    return out;
  }
  return v;
}
}  // namespace

json Engine::public_user(const json& user) const {
  return strip_internal(user);
}

json Engine::public_job(const json& job) const {
  return strip_internal(job);
}

json Engine::public_cluster(const json& cluster, bool with_hosts, bool with_databases) const {
  json out = strip_internal(cluster);
  if (!with_hosts) out.erase("hosts");
  if (!with_databases) out.erase("databases");
  int64_t id = cluster.value("cluster_id", int64_t{0});
  int64_t crit = 0, warn = 0;
  for (const auto& a : model_["alarms"]) {
    if (a.value("cluster_id", int64_t{0}) != id || a.value("ignored", 0) != 0) continue;
    (a.value("severity_name", "") == "ALARM_CRITICAL" ? crit : warn)++;
  }
  out["alarm_statistics"] = {{"class_name", "CmonAlarmStatistics"},          {"cluster_id", id},
                             {"created_after", "1970-01-01T00:00:00.000Z"},  {"critical", crit},
                             {"reported_after", "1970-01-01T00:00:00.000Z"}, {"warning", warn}};
  json by_state = {{"ABORTED", 0}, {"DEFINED", 0},  {"DEQUEUED", 0},
                   {"FAILED", 0},  {"FINISHED", 0}, {"RUNNING", 0}};
  for (const auto& j : model_["jobs"]) {
    if (j.value("cluster_id", int64_t{0}) != id) continue;
    std::string st = j.value("status", "");
    if (by_state.contains(st)) by_state[st] = by_state[st].get<int64_t>() + 1;
  }
  out["job_statistics"] = {{"class_name", "CmonJobStatistics"}, {"cluster_id", id}, {"by_state", by_state}};
  // Maintenance flag reflects windows open right now.
  std::string now = now_iso();
  bool in_maint = false;
  for (const auto& m : model_["maintenance"])
    if (m.value("cluster_id", int64_t{-1}) == id && m.value("initiate", "") <= now &&
        now < m.value("deadline", ""))
      in_maint = true;
  out["maintenance_mode_active"] = in_maint;
  if (with_hosts) {
    int64_t now_s = now_epoch();
    for (auto& h : out["hosts"]) {
      h["timestamp"] = now_s;
      h["wallclock"] = now_s;
      h["wallclocktimestamp"] = now_s;
      if (h.value("hoststatus", "") == "CmonHostOnline") h["lastseen"] = now_s;
      bool host_maint = false;
      for (const auto& m : model_["maintenance"])
        if (m.value("hostname", "") == h.value("hostname", "") && m.value("initiate", "") <= now &&
            now < m.value("deadline", ""))
          host_maint = true;
      h["maintenance_mode_active"] = host_maint || in_maint;
      h["maintenance_mode"] = (host_maint || in_maint) ? "maintenance" : "none";
    }
  }
  return out;
}

void Engine::refresh_cluster_state(json& cluster) {
  if (cluster.value("_stopped", false)) {
    cluster["state"] = "STOPPED";
    cluster["status_text"] = "The cluster is stopped.";
    return;
  }
  int total = 0, online = 0;
  for (const auto& h : cluster["hosts"]) {
    std::string nt = h.value("nodetype", "");
    if (nt == "controller") continue;
    ++total;
    if (h.value("hoststatus", "") == "CmonHostOnline") ++online;
  }
  if (total == 0 || online == total) {
    cluster["state"] = "STARTED";
    cluster["status_text"] = "All nodes are operational.";
  } else if (online == 0) {
    cluster["state"] = "FAILURE";
    cluster["status_text"] = "No nodes are operational.";
  } else {
    cluster["state"] = "DEGRADED";
    cluster["status_text"] =
        std::to_string(total - online) + " of " + std::to_string(total) + " nodes are not operational.";
  }
}

void Engine::add_log_entry(int64_t cluster_id, const std::string& severity, const std::string& log_class,
                           const std::string& text, const std::string& component) {
  int64_t id = next_id("log");
  int64_t now = now_epoch();
  model_["log_entries"].push_back({{"class_name", "CmonLogMessage"},
                                   {"log_id", id},
                                   {"created", now_iso()},
                                   {"severity", severity},
                                   {"log_class", log_class},
                                   {"component", component},
                                   {"log_origins",
                                    {{"sender_binary", "cmon"},
                                     {"sender_file", "CmonSimulator.cpp"},
                                     {"sender_line", 1},
                                     {"sender_pid", 1},
                                     {"tv_nsec", 0},
                                     {"tv_sec", now}}},
                                   {"log_specifics", {{"cluster_id", cluster_id}, {"message_text", text}}}});
}

void Engine::add_audit(int64_t cluster_id, const std::string& type, const std::string& text) {
  model_["audit"].push_back({{"class_name", "CmonAuditEntry"},
                             {"id", next_id("audit")},
                             {"cluster_id", cluster_id},
                             {"client_hostname", "127.0.0.1"},
                             {"report_ts", now_iso()},
                             {"entry_type", type},
                             {"message_text", text},
                             {"username", "admin"}});
}

// ---------------------------------------------------------------- sessions and dispatch

Session* Engine::session_from_cookie(std::string_view header) {
  // "a=b; cmon-sid=XYZ; c=d"
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.substr(0, 9) == "cmon-sid=") {
      auto it = sessions_.find(std::string(part.substr(9)));
      if (it == sessions_.end()) return nullptr;
      auto now = std::chrono::steady_clock::now();
      if (now - it->second.last_used > std::chrono::seconds(session_idle_s_)) {
        sessions_.erase(it);
        return nullptr;
      }
      it->second.last_used = now;
      return &it->second;
    }
    pos = end + 1;
  }
  return nullptr;
}

Session& Engine::new_session() {
  std::uniform_int_distribution<uint64_t> d;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(d(rng())),
                static_cast<unsigned long long>(d(rng())));
  Session s;
  s.id = buf;
  s.last_used = std::chrono::steady_clock::now();
  auto [it, _] = sessions_.emplace(s.id, s);
  return it->second;
}

std::string Engine::operation_of(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("operation") && j["operation"].is_string()) return j["operation"];
  return "";
}

std::string Engine::canonical_operation(std::string_view module, std::string_view operation) const {
  auto m = ops_.find(std::string(module));
  if (m != ops_.end()) {
    auto o = m->second.find(lower(operation));
    if (o != m->second.end()) return o->second.name;
  }
  return std::string(operation);
}

void Engine::register_operations() {
  std::vector<OperationSpec> ops;
  register_auth_operations(*this, ops);
  register_cluster_operations(*this, ops);
  register_job_operations(*this, ops);
  register_backup_operations(*this, ops);
  register_user_operations(*this, ops);
  register_monitoring_operations(*this, ops);
  register_misc_operations(*this, ops);
  for (auto& op : ops) ops_[op.module][lower(op.name)] = std::move(op);
}

HttpReply Engine::handle(std::string_view method, std::string_view path, std::string_view body,
                         std::string_view cookie_header) {
  ++stats_.requests;
  advance();
  HttpReply reply;
  json req = json::parse(body, nullptr, false);
  bool parsed = req.is_object();
  if (!parsed) req = json::object();

  json& env = reply.body;
  env["controller_id"] = controller_id_;
  if (req.contains("request_id")) env["request_id"] = req["request_id"];
  if (req.contains("request_created")) env["request_created"] = req["request_created"];
  auto finish = [&](const std::string& status, const std::string& error) {
    env["request_processed"] = now_iso();
    env["request_status"] = status;
    if (!error.empty()) env["error_string"] = error;
    return reply;
  };

  // "/v2/clusters", "/v2/clusters/", a proxy prefix in front of /v2 is fine too.
  std::string p(path.substr(0, path.find('?')));
  size_t v2 = p.find("/v2");
  if (v2 == std::string::npos || (p.size() > v2 + 3 && p[v2 + 3] != '/')) {
    reply.status = 404;
    return finish("InvalidRequest", "Unknown path '" + p + "'.");
  }
  std::string module = p.substr(std::min(p.size(), v2 + 4));
  while (!module.empty() && module.back() == '/') module.pop_back();
  std::string shown_path = "/v2/" + (module.empty() ? std::string("info") : module);
  std::string op_name = req.contains("operation") && req["operation"].is_string() ? req["operation"] : "";

  if (method != "POST" || op_name.empty()) {
    if (method == "POST" && module == "auth" && parsed)
      return finish("InvalidRequest", "Unexpected request '' in state ''");
    env["request_path"] = shown_path;
    env["request_operation"] = op_name;
    if (method == "POST" && !parsed && !body.empty())
      return finish("InvalidRequest", "The request body is not a JSON object.");
    return finish("InvalidRequest", "Invalid operation '" + op_name + "' on '" + shown_path + "'.");
  }

  auto mod = ops_.find(module);
  const OperationSpec* spec = nullptr;
  if (mod != ops_.end()) {
    auto o = mod->second.find(lower(op_name));
    if (o != mod->second.end()) spec = &o->second;
  }

  Session* session = session_from_cookie(cookie_header);
  json* user = session && session->user_id ? find_user_by_id(session->user_id) : nullptr;
  if (user && user->value("disabled", false)) user = nullptr;
  bool public_op = spec && spec->public_;
  if (!user && !public_op) {
    reply.status = auth_required_status_;
    return finish("AuthRequired", "Authentication required.");
  }
  if (user) {
    env["request_user_id"] = (*user)["user_id"];
    env["debug_messages"] =
        json::array({"RPC V2 authenticated user is '" + user->value("user_name", "") + "'."});
  }
  if (!spec) {
    env["request_path"] = shown_path;
    env["request_operation"] = op_name;
    return finish("InvalidRequest", "Invalid operation '" + op_name + "' on '" + shown_path + "'.");
  }
  ++stats_.operations[spec->name];
  if (spec->write && user && user->value("_readonly", false))
    return finish("AccessDenied", "Access denied: user '" + user->value("user_name", "") +
                                      "' has read-only access and cannot run " + spec->name + ".");

  // Only the cacheable reads are known to leave the model as it is (a login updates its user, for one):
  // any other operation starts a new generation of cached replies.
  if (!spec->cacheable) ++generation_;
  std::string cache_key;
  if (spec->cacheable) {
    json key_req = req;
    key_req.erase("request_id");
    key_req.erase("request_created");
    cache_key = std::to_string(user ? (*user)["user_id"].get<int64_t>() : -1) + '/' + module + '/' +
                spec->name + '/' + key_req.dump();
    auto hit = reply_cache_.find(cache_key);
    if (hit != reply_cache_.end() && hit->second.generation == generation_ &&
        hit->second.second == now_epoch()) {
      reply.members = hit->second.members;
      return finish("Ok", "");
    }
  }

  Call call{*this, req, module, spec->name, session, user, std::nullopt};
  Outcome out = Outcome(json::object());
  try {
    out = spec->handler(call);
  } catch (const std::exception& ex) {
    // A bug in a handler must not take the simulator down; it shows up as an error reply.
    out = fail("UnknownError", std::string("internal simulator error: ") + ex.what());
  }
  if (call.new_cookie) reply.set_cookie = call.new_cookie;
  if (!out) {
    env.erase("request_user_id");
    if (user) env["request_user_id"] = (*user)["user_id"];
    return finish(out.error().status, out.error().message);
  }
  if (spec->cacheable) {
    if (reply_cache_.size() >= 256) reply_cache_.clear();  // bounded; a full cache starts over
    reply.members = std::make_shared<const std::string>(render_members(*out));
    reply_cache_[cache_key] = CachedReply{generation_, now_epoch(), reply.members};
    return finish("Ok", "");
  }
  for (auto it = out->begin(); it != out->end(); ++it) env[it.key()] = it.value();
  return finish("Ok", "");
}

std::string render_reply(const HttpReply& reply) {
  std::string text = reply.body.dump(2);
  if (reply.members && !reply.members->empty()) {
    // The envelope always has members (controller_id), so its text ends in "\n}".
    text.resize(text.size() - 2);
    text += ",\n";
    text += *reply.members;
    text += "\n}";
  }
  return text;
}

json Engine::state_json() {
  advance();
  json out;
  out["controller_id"] = controller_id_;
  out["clusters"] = json::array();
  for (const auto& c : model_["clusters"]) {
    json pc = public_cluster(c, true, true);
    int64_t id = c.value("cluster_id", int64_t{0});
    pc["accounts"] = strip_internal(c.value("_accounts", json::array()));
    pc["configs"] = strip_internal(c.value("_node_configs", json::object()));
    pc["settings"] = strip_internal(c.value("_settings", json::array()));
    auto pick = [&](const char* key, const char* field) {
      json arr = json::array();
      for (const auto& x : model_[key])
        if (x.value(field, int64_t{-1}) == id) arr.push_back(strip_internal(x));
      return arr;
    };
    pc["backups"] = pick("backups", "cid");
    pc["alarms"] = pick("alarms", "cluster_id");
    pc["maintenance"] = pick("maintenance", "cluster_id");
    json jobs = pick("jobs", "cluster_id");
    json schedules = json::array();
    for (const auto& j : jobs)
      if (j.contains("recurrence") && !j["recurrence"].get<std::string>().empty()) schedules.push_back(j);
    pc["jobs"] = jobs;
    pc["schedules"] = schedules;
    out["clusters"].push_back(pc);
  }
  json jobs = json::array();
  for (const auto& j : model_["jobs"]) jobs.push_back(strip_internal(j));
  out["jobs"] = jobs;
  out["backups"] = strip_internal(model_["backups"]);
  out["alarms"] = strip_internal(model_["alarms"]);
  out["maintenance"] = strip_internal(model_["maintenance"]);
  out["reports"] = strip_internal(model_["reports"]);
  json users = json::array();
  for (const auto& u : model_["users"]) {
    json pu = strip_internal(u);
    pu["readonly"] = u.value("_readonly", false);
    pu["public_keys"] = strip_internal(u.value("_public_keys", json::array()));
    users.push_back(pu);
  }
  out["users"] = users;
  out["groups"] = strip_internal(model_["groups"]);
  out["sessions"] = sessions_.size();
  return out;
}

std::optional<json> Engine::job_state(int64_t job_id) {
  advance();
  json* j = find_job(job_id);
  if (!j) return std::nullopt;
  json out = strip_internal(*j);
  out["messages"] = strip_internal(j->value("_messages", json::array()));
  return out;
}

}  // namespace cmon_sim
