// The network-free heart of the simulator: the CMON model (clusters, jobs, backups, users, ...),
// sessions and logins, and the dispatch of RPC v2 operations. The HTTPS server feeds it request
// bodies and turns its replies into HTTP; tests can drive it directly too. Not thread-safe: the
// server runs it on one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmon_mcp/util/expected.hpp"
#include "cmon_sim/options.hpp"

namespace cmon_sim {

using json = nlohmann::json;

// An RPC-level failure: request_status plus error_string.
struct Failure {
  std::string status;
  std::string message;
};
// The payload keys an operation adds to the reply envelope, or why it failed.
using Outcome = cmon_mcp::Expected<json, Failure>;

// Unwraps an Expected<_, Failure> into `var` or returns its failure from the enclosing handler.
#define SIM_TRY(var, expr) \
  auto var = (expr);       \
  if (!var) return cmon_mcp::unexpected(var.error())

inline cmon_mcp::Unexpected<Failure> fail(std::string status, std::string message) {
  return {Failure{std::move(status), std::move(message)}};
}

struct Session {
  std::string id;
  int64_t user_id = 0;  // 0 = not (yet) authenticated
  std::string challenge;
  int64_t challenge_user_id = 0;
  std::chrono::steady_clock::time_point last_used;
};

struct LoginStats {
  int64_t logins = 0;
  int64_t password_logins = 0;
  int64_t key_logins = 0;
  int64_t failed_logins = 0;
  int64_t requests = 0;
  std::map<std::string, int64_t> operations;
};

class Engine;

// One operation call: the request, the caller, and typed accessors that turn missing or mistyped
// fields into the InvalidRequest failures a controller gives.
struct Call {
  Engine& engine;
  const json& req;
  std::string module;
  std::string operation;  // canonical spelling
  Session* session = nullptr;
  json* user = nullptr;  // the authenticated CMON user (model object), null before login
  std::optional<std::string> new_cookie;

  cmon_mcp::Expected<int64_t, Failure> int_field(const std::string& key) const;
  cmon_mcp::Expected<std::string, Failure> string_field(const std::string& key) const;
  cmon_mcp::Expected<json, Failure> object_field(const std::string& key) const;
  cmon_mcp::Expected<json, Failure> array_field(const std::string& key) const;
  // Optional fields: the default when absent; a failure when present with the wrong type.
  cmon_mcp::Expected<int64_t, Failure> opt_int(const std::string& key, int64_t def) const;
  cmon_mcp::Expected<bool, Failure> opt_bool(const std::string& key, bool def) const;
  cmon_mcp::Expected<std::string, Failure> opt_string(const std::string& key, std::string def) const;
  std::string user_name() const;
  int64_t user_id() const;
};

using Handler = std::function<Outcome(Call&)>;

struct OperationSpec {
  std::string module;    // "clusters"
  std::string name;      // "getAllClusterInfo"
  bool write = false;    // state-changing: refused for read-only users
  bool public_ = false;  // works without a session
  Handler handler;
  // A read whose reply depends only on the request, the user, the model and the clock's second: its
  // rendered reply is reused until one of those changes (Engine::handle). Large replies such as
  // getAllClusterInfo otherwise cost the simulator more CPU than the MCP server that asked.
  bool cacheable = false;
};

struct HttpReply {
  int status = 200;
  json body;
  // The operation's own members, already rendered at the second level of a two-space indent
  // ("  \"total\": 2, ..."), to be written after those of `body` (render_reply()). Set for cacheable
  // operations, whose members are kept rendered between calls.
  std::shared_ptr<const std::string> members;
  std::optional<std::string> set_cookie;  // value of the cmon-sid cookie to set
};

// The reply's JSON text as the controller sends it: pretty-printed, two-space indent.
std::string render_reply(const HttpReply& reply);

// How "cluster not found" is reported differs per operation (cmon-rpc-v2.md §1.7).
enum class NotFoundStyle { ObjectNotFound, InvalidRequest };

class Engine {
 public:
  // Loads the fixture and applies the users from the options. Errors are for the start-up message.
  static cmon_mcp::Expected<std::unique_ptr<Engine>, std::string> create(const SimOptions& options);

  // One RPC: path "/v2/<module>[/]", method, raw body and Cookie header.
  HttpReply handle(std::string_view method, std::string_view path, std::string_view body,
                   std::string_view cookie_header);

  // The operation name in a request body, for fault matching and statistics ("" when none).
  static std::string operation_of(std::string_view body);
  std::string canonical_operation(std::string_view module, std::string_view operation) const;

  // Admin API.
  void expire_sessions() { sessions_.clear(); }
  // Called for every admin request: whatever it changed, no cached reply survives it.
  void model_changed() { ++generation_; }
  void set_auth_required_http_status(int s) { auth_required_status_ = s; }
  void set_session_idle_s(int s) { session_idle_s_ = s; }
  void set_job_speed(double f) { job_speed_ = f > 0 ? f : 1.0; }
  const LoginStats& stats() const { return stats_; }
  LoginStats& mutable_stats() { return stats_; }
  Session& new_session();
  void reset_stats() { stats_ = {}; }
  json state_json();                              // the whole model, for tests
  std::optional<json> job_state(int64_t job_id);  // one job (with internal progress), for tests
  void advance();                                 // moves jobs along to "now"

  // ---- model access for the operation handlers (rpc_*.cpp) ----
  json& model() { return model_; }
  const std::string& controller_id() const { return controller_id_; }
  json* find_cluster(int64_t id);
  json* find_cluster_by_name(const std::string& name);
  // Resolves cluster_id / cluster_name of a request; failure text per NotFoundStyle.
  cmon_mcp::Expected<json*, Failure> resolve_cluster(const Call& c, NotFoundStyle style,
                                                     bool required = true);
  json* find_user(const std::string& name);
  json* find_user_by_id(int64_t id);
  json* find_group(const std::string& name);
  json* find_host(json& cluster, const std::string& hostname, int64_t port);  // port 0 = any
  json* find_job(int64_t id);
  int64_t next_id(const std::string& counter);
  json public_user(const json& user) const;
  json public_cluster(const json& cluster, bool with_hosts, bool with_databases) const;
  json public_job(const json& job) const;
  void refresh_cluster_state(json& cluster);
  void add_log_entry(int64_t cluster_id, const std::string& severity, const std::string& log_class,
                     const std::string& text, const std::string& component = "Cluster");
  void add_audit(int64_t cluster_id, const std::string& type, const std::string& text);
  void add_job_message(int64_t job_id, const std::string& status, const std::string& text);
  json create_job(Call& c, json* cluster, const json& job_request);  // validated elsewhere
  double job_speed() const { return job_speed_; }
  bool user_is_superuser(const json& user) const;

  static std::string now_iso();
  static std::string iso_from_epoch(int64_t epoch_s, int millis = 0);
  static int64_t now_epoch();
  static std::string random_uuid();

 private:
  Engine() = default;
  cmon_mcp::Expected<bool, std::string> load(const SimOptions& options);
  void register_operations();
  Session* session_from_cookie(std::string_view cookie_header);
  void finish_job(json& job, bool success, const std::string& reason);
  void apply_job_effect(json& job);
  void step_job(json& job, int64_t now_ms);

  json model_;
  // Bumped by anything that may change what a read returns: any operation but a cacheable read, a job
  // step, an admin request. A cached reply is used only in the generation and clock second it was made in.
  uint64_t generation_ = 0;
  struct CachedReply {
    uint64_t generation;
    int64_t second;
    std::shared_ptr<const std::string> members;
  };
  std::map<std::string, CachedReply> reply_cache_;  // user, operation and request -> reply
  std::string controller_id_;
  std::map<std::string, std::map<std::string, OperationSpec>> ops_;  // module -> lower-case op -> spec
  std::map<std::string, Session> sessions_;
  LoginStats stats_;
  int auth_required_status_ = 401;
  int session_idle_s_ = 1800;
  double job_speed_ = 1.0;

  friend void register_auth_operations(Engine&, std::vector<OperationSpec>&);
  friend struct JobEngine;
};

// Operation tables, one per area (rpc_<area>.cpp).
void register_auth_operations(Engine& e, std::vector<OperationSpec>& ops);
void register_cluster_operations(Engine& e, std::vector<OperationSpec>& ops);
void register_job_operations(Engine& e, std::vector<OperationSpec>& ops);
void register_backup_operations(Engine& e, std::vector<OperationSpec>& ops);
void register_user_operations(Engine& e, std::vector<OperationSpec>& ops);
void register_monitoring_operations(Engine& e, std::vector<OperationSpec>& ops);
void register_misc_operations(Engine& e, std::vector<OperationSpec>& ops);

// Pagination helper: applies offset/limit of the request to `items`; returns the page.
cmon_mcp::Expected<json, Failure> paginate(const Call& c, const json& items);

// Signature check used by authenticateResponse: RSASSA-PKCS1-v1_5 with SHA-256 over `message`,
// `signature_b64` standard Base64, `public_key_pem` PKCS#1 or SPKI PEM.
bool verify_rsa_sha256(const std::string& public_key_pem, const std::string& message,
                       const std::string& signature_b64);
// True when the text parses as an RSA public key in either PEM form.
bool valid_public_key_pem(const std::string& pem);

}  // namespace cmon_sim
